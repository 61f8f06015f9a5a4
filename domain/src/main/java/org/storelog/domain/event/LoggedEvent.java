package org.storelog.domain.event;

/**
 * An event as the log holds it: global sequence number (from 0), commit timestamp (epoch
 * milliseconds), the id of the batch it was appended in, and the payload.
 */
public record LoggedEvent(long sequence, long timestamp, String batchId, StoreEvent event) {}
