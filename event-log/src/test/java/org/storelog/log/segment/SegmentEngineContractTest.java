package org.storelog.log.segment;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.log.StorageEngineContract;
import org.storelog.log.codec.EventCodec;

/** The embedded segment engine meets the same contract as Axon's in-memory engine (small segments, so rolls happen). */
class SegmentEngineContractTest extends StorageEngineContract<SegmentEventStorageEngine> {
    @TempDir Path dir;

    @Override protected SegmentEventStorageEngine createEngine() {
        return new SegmentEventStorageEngine(
                SegmentLog.openWriter(dir.resolve("log"), SegmentLog.Options.defaults().withSegmentBytes(300)), new EventCodec());
    }

    @Override protected void closeEngine(SegmentEventStorageEngine engine) { engine.close(); }
}
