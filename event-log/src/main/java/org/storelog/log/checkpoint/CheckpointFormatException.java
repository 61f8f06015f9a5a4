package org.storelog.log.checkpoint;

/** A malformed checkpoint file; line is 1-based. */
public final class CheckpointFormatException extends RuntimeException {
    private final String reason;
    private final int line;

    public CheckpointFormatException(String reason, int line) {
        super("line " + line + ": " + reason);
        this.reason = reason;
        this.line = line;
    }

    public String reason() { return reason; }
    public int line() { return line; }
}
