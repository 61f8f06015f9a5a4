package org.storelog.nar;

/** A NAR that breaks the grammar of {@link NarWire}; names the byte offset where it went wrong. */
public final class NarFormatException extends java.io.IOException {
    private final String reason;
    private final long offset;

    public NarFormatException(String reason, long offset) {
        super("malformed NAR at byte " + offset + ": " + reason);
        this.reason = reason;
        this.offset = offset;
    }

    /** What is wrong, without the place. */
    public String reason() { return reason; }

    /** Offset in the NAR of the field that is wrong (for truncation: the end of the input). */
    public long offset() { return offset; }
}
