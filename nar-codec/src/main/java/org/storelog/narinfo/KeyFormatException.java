package org.storelog.narinfo;

/** A key or signature string that is not in the expected form; {@link #reason()} says why. */
public final class KeyFormatException extends RuntimeException {
    private final String reason;

    public KeyFormatException(String reason) {
        super(reason);
        this.reason = reason;
    }

    public String reason() { return reason; }
}
