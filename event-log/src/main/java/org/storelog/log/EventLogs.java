package org.storelog.log;

import java.nio.file.Path;
import org.storelog.log.codec.EventCodec;
import org.storelog.log.segment.SegmentEventStorageEngine;
import org.storelog.log.segment.SegmentLog;

/** Opens the embedded log (segment files in one directory, e.g. {@code <state>/log}). */
public final class EventLogs {
    private EventLogs() {}

    /** Opens for appending (takes the writer lock; fails fast if another writer holds it). */
    public static EventLog openEmbedded(Path logDir) { return openEmbedded(logDir, SegmentLog.Options.defaults()); }

    public static EventLog openEmbedded(Path logDir, SegmentLog.Options options) {
        return new AxonEventLog(new SegmentEventStorageEngine(SegmentLog.openWriter(logDir, options), new EventCodec()));
    }

    /** Opens without the lock, for reading while a writer may be appending; append fails. */
    public static EventLog openEmbeddedReadOnly(Path logDir) {
        return new AxonEventLog(new SegmentEventStorageEngine(SegmentLog.openReader(logDir), new EventCodec()));
    }
}
