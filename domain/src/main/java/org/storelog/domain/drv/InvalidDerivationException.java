package org.storelog.domain.drv;

/**
 * A derivation that parses but cannot be used as asked: mixed or unsupported output kinds, a
 * missing input derivation, an input output that does not exist.
 */
public final class InvalidDerivationException extends RuntimeException {
    private final String reason;

    public InvalidDerivationException(String reason) {
        super(reason);
        this.reason = reason;
    }

    public InvalidDerivationException(String reason, Throwable cause) {
        super(reason, cause);
        this.reason = reason;
    }

    public String reason() { return reason; }
}
