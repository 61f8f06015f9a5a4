package org.storelog.sandbox;

/**
 * A sandbox could not be set up or run. {@link #reason()} names the failure family so callers
 * (and the CLI's exit-code mapping) can tell a bad request from a missing tool or a host problem.
 */
public final class SandboxException extends RuntimeException {
    /** Failure families. */
    public enum Reason {
        /** The request itself is malformed (a usage error on the caller's side). */
        INVALID_REQUEST,
        /** {@code bwrap} is not installed or not executable. */
        BWRAP_MISSING,
        /** The kernel refuses to create user namespaces. */
        USER_NAMESPACES_UNAVAILABLE,
        /** bubblewrap started but failed while setting up the sandbox. */
        SETUP_FAILED,
        /** Preparing or cleaning the host directories failed. */
        IO
    }

    private final Reason reason;

    public SandboxException(Reason reason, String message) {
        this(reason, message, null);
    }

    public SandboxException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() { return reason; }
}
