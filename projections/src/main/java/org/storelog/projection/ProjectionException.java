package org.storelog.projection;

/**
 * An event the projection cannot fold (bad path, oversized key, …) or a storage failure.
 * {@link #sequence()} is the sequence number of the event at fault, -1 when none is.
 */
public class ProjectionException extends RuntimeException {
    private final String reason;
    private final long sequence;

    public ProjectionException(String reason, long sequence) {
        this(reason, sequence, null);
    }

    public ProjectionException(String reason, long sequence, Throwable cause) {
        super(sequence >= 0 ? "event " + sequence + ": " + reason : reason, cause);
        this.reason = reason;
        this.sequence = sequence;
    }

    public String reason() { return reason; }

    public long sequence() { return sequence; }
}
