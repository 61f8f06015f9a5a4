package org.storelog.sandbox;

import java.nio.file.Path;

/** An output tree that Nix would refuse to register; {@link #path()} names the offending file. */
public final class CanonicalizationException extends RuntimeException {
    /** Failure families, after the errors of Nix's {@code canonicalisePathMetaData} and {@code registerOutputs}. */
    public enum Reason {
        /** Not a regular file, directory or symlink (device, fifo, socket). */
        UNSUPPORTED_FILE_TYPE,
        /** The output root is group- or world-writable: someone else may have interfered with the build. */
        SUSPICIOUS_PERMISSIONS,
        /** A file system call failed. */
        IO
    }

    private final Reason reason;
    private final Path path;

    public CanonicalizationException(Reason reason, Path path, String message, Throwable cause) {
        super(message + ": " + path, cause);
        this.reason = reason;
        this.path = path;
    }

    public Reason reason() { return reason; }

    public Path path() { return path; }
}
