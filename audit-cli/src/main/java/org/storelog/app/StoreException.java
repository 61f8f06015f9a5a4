package org.storelog.app;

/**
 * A store operation that cannot go ahead, with a message a user can act on. {@code exitCode}
 * follows the CLI's documented codes (1 failure, 64 usage or bad input, 70 internal).
 */
public class StoreException extends RuntimeException {
    private final int exitCode;

    public StoreException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public StoreException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() { return exitCode; }
}
