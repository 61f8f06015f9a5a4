package org.storelog.domain.drv;

import java.util.Optional;
import org.storelog.domain.store.StorePath;

/** One output: the path the {@code .drv} states (if any) and the path computed from the derivation. */
public record OutputCheck(String output, Optional<StorePath> stated, StorePath computed) {
    /** True unless the file states a path that differs from the computed one. */
    public boolean matches() { return stated.isEmpty() || stated.get().equals(computed); }
}
