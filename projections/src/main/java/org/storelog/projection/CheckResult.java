package org.storelog.projection;

import java.util.Objects;
import org.storelog.domain.event.StoreEvent.RebuildCompared;

/** The last rebuild check of a derivation, with the sequence number and timestamp of its event. */
public record CheckResult(long sequence, long timestamp, RebuildCompared comparison) {
    public CheckResult {
        Objects.requireNonNull(comparison, "comparison");
    }
}
