package org.storelog.log.checkpoint;

/** A key or signature string not in Nix's {@code name:base64} form; offset is the character position. */
public final class KeyFormatException extends IllegalArgumentException {
    private final String reason;
    private final int offset;

    public KeyFormatException(String reason, int offset) {
        super(reason + " (at character " + offset + ")");
        this.reason = reason;
        this.offset = offset;
    }

    public String reason() { return reason; }
    public int offset() { return offset; }
}
