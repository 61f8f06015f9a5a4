package org.storelog.nar;

import java.nio.file.Path;

/**
 * A file tree that cannot be archived or restored as a NAR: a special file (device, socket,
 * FIFO), a file that changed while being read, a name or link target this JVM cannot represent,
 * or a restore destination that already exists.
 */
public final class NarTreeException extends java.io.IOException {
    private final String reason;
    private final Path path;

    public NarTreeException(String reason, Path path) {
        super(path + ": " + reason);
        this.reason = reason;
        this.path = path;
    }

    public String reason() { return reason; }

    /** The file concerned. */
    public Path path() { return path; }
}
