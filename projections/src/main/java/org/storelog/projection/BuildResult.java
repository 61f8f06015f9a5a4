package org.storelog.projection;

import java.util.Map;
import java.util.Objects;

/**
 * The last build of a derivation: from {@code BuildSucceeded} (outputs set, reason null) or
 * {@code BuildFailed} (outputs empty, reason set), with the sequence number and timestamp of the event.
 */
public record BuildResult(long sequence, long timestamp, String drvPath, String buildId, boolean succeeded,
                          Map<String, String> outputs, String reason, long durationMillis) {
    public BuildResult {
        Objects.requireNonNull(drvPath, "drvPath");
        outputs = Map.copyOf(outputs);
    }
}
