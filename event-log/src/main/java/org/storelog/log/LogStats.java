package org.storelog.log;

import java.util.SortedMap;

/**
 * Size and content of the log. Timestamps are epoch milliseconds, -1 when the log is empty.
 * {@code segments} and {@code bytes} describe the storage (0 for a backend without files).
 */
public record LogStats(long events, long batches, int segments, long bytes, SortedMap<String, Long> perType,
                       long firstTimestamp, long lastTimestamp, long lastSequence) {}
