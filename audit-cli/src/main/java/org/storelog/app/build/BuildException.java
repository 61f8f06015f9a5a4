package org.storelog.app.build;

import org.storelog.app.StoreException;

/**
 * A build that cannot start, or a derivation or path that cannot be registered: bad input found
 * before anything is run or recorded. {@link #reason()} names the failure family.
 */
public final class BuildException extends StoreException {
    /** Why a build or registration was refused. */
    public enum Reason {
        /** the derivation's system is not this machine's */
        UNKNOWN_SYSTEM,
        /** {@code builtin:} builders (fetchurl, buildenv, …) are not implemented */
        BUILTIN_BUILDER,
        /** an input source or input derivation output is not valid in the store */
        MISSING_INPUT,
        /** the builder is a store path outside the input closure, or not in the store at all */
        BUILDER_NOT_IN_CLOSURE,
        /** the .drv states output paths that do not match what its contents compute to */
        WRONG_OUTPUT_PATHS,
        /** a feature of the derivation we do not support (structured attributes) */
        UNSUPPORTED,
        /** the file to add or the name derived from it is unusable */
        BAD_PATH,
        /** the operation needs a standalone store */
        ATTACHED_STORE
    }

    private final Reason reason;

    public BuildException(Reason reason, int exitCode, String message) {
        super(exitCode, message);
        this.reason = reason;
    }

    public BuildException(Reason reason, String message) { this(reason, 1, message); }

    public Reason reason() { return reason; }
}
