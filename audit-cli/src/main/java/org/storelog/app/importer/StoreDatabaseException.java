package org.storelog.app.importer;

/** A store database or dump that cannot be imported; says where ({@code line} is 0 when unknown). */
public final class StoreDatabaseException extends Exception {
    private final String file;
    private final long line;
    private final String reason;

    public StoreDatabaseException(String file, long line, String reason) {
        super(file + (line > 0 ? ":" + line : "") + ": " + reason);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    public StoreDatabaseException(String file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
        this.line = 0;
        this.reason = reason;
    }

    public String file() { return file; }
    public long line() { return line; }
    public String reason() { return reason; }
}
