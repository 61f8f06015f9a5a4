package org.storelog.log.codec;

/** A payload that cannot be (de)serialized: unknown type, unsupported revision or malformed JSON. */
public final class EventCodecException extends RuntimeException {
    private final String type;
    private final int revision;
    private final String reason;

    public EventCodecException(String type, int revision, String reason, Throwable cause) {
        super(type + " revision " + revision + ": " + reason, cause);
        this.type = type;
        this.revision = revision;
        this.reason = reason;
    }

    public String type() { return type; }
    public int revision() { return revision; }
    public String reason() { return reason; }
}
