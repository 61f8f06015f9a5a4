package org.storelog.app.build;

import java.nio.file.Path;
import java.util.Set;
import org.storelog.nar.NarHasher;

/**
 * The first NAR hash of a process pays for linking the native hashing and file reading (libcrypto
 * and libc through FFM on Java 22+): about 0.1 s, measured with {@code -Dstorelog.phases} on the
 * .drv files that {@code audit build F.drv} adds. {@link #start} pays it on a spare thread while
 * the command opens the store, so the builds do not.
 */
public final class HashWarmUp {
    private HashWarmUp() {}

    /** Hashes {@code smallFile} (any small regular file; a missing one is ignored) on a daemon thread. */
    public static void start(Path smallFile) {
        Thread.ofPlatform().daemon().name("hash-warm-up").start(() -> {
            try {
                NarHasher.hashTree(smallFile, Set.of());
            } catch (Exception | LinkageError e) {
                // only a warm-up: the real hashing reports its own errors
            }
        });
    }
}
