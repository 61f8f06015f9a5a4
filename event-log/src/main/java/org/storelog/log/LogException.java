package org.storelog.log;

import java.nio.file.Path;

/**
 * Failures of the event log. Each carries a {@link #reason()}; damage also carries the place:
 * the sequence number it concerns, the segment file and the byte offset in it.
 */
public class LogException extends RuntimeException {
    private final String reason;

    public LogException(String reason, Throwable cause) {
        super(reason, cause);
        this.reason = reason;
    }

    public String reason() { return reason; }

    /** The log holds data that is not a torn tail: a damaged or altered record before the end. */
    public static final class CorruptLogException extends LogException {
        private final long sequence;
        private final String file;
        private final long offset;

        public CorruptLogException(long sequence, String file, long offset, String reason) {
            super(reason, null);
            this.sequence = sequence;
            this.file = file;
            this.offset = offset;
        }

        public long sequence() { return sequence; }
        public String file() { return file; }
        public long offset() { return offset; }

        @Override public String getMessage() {
            return "event log corrupt at sequence " + sequence + " (" + file + " offset " + offset + "): " + reason();
        }
    }

    /** Another writer holds the log's lock file. */
    public static final class LockedException extends LogException {
        private final Path lockFile;

        public LockedException(Path lockFile, String holder) {
            super("event log is locked by another writer" + (holder.isEmpty() ? "" : " (" + holder + ")")
                    + "; lock file: " + lockFile, null);
            this.lockFile = lockFile;
        }

        public Path lockFile() { return lockFile; }
    }

    /** An operation on a log that was closed, or a write on a log opened read-only. */
    public static final class NotWritableException extends LogException {
        public NotWritableException(String reason) { super(reason, null); }
    }
}
