package org.storelog.projection;

import static org.junit.jupiter.api.Assertions.*;
import static org.storelog.projection.Log.path;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LmdbProjectionsTest extends StoreViewContract {
    @TempDir Path dir;

    @Override protected StoreProjection create() { return LmdbProjections.open(dir.resolve("env")); }

    @Override
    protected StoreProjection reopen(StoreProjection v) {
        v.close();
        return LmdbProjections.open(dir.resolve("env"));
    }

    @Test
    void readOnly_answersFromDiskAndRefusesWrites() {
        log.register(A);
        log.register(B, A);
        view.apply(log.events);
        view.close();
        try (LmdbProjections ro = LmdbProjections.openReadOnly(dir.resolve("env"))) {
            assertEquals(1, ro.lastAppliedSequence());
            assertEquals(List.of(A), ro.references(B));
            assertEquals(List.of(B), ro.referrers(A));
            ProjectionException e = assertThrows(ProjectionException.class,
                    () -> ro.apply(List.of(log.register(C))));
            assertTrue(e.reason().contains("read-only"), e.reason());
        }
        view = LmdbProjections.open(dir.resolve("env"));
    }

    @Test
    void readOnly_onMissingEnvFailsWithTheDirectory() {
        ProjectionException e = assertThrows(ProjectionException.class,
                () -> LmdbProjections.openReadOnly(dir.resolve("nothing")));
        assertTrue(e.reason().contains("nothing"), e.reason());
    }

    @Test
    void tinyMap_growsOnALargeFold() {
        view.close();
        try (LmdbProjections small = LmdbProjections.open(dir.resolve("small"), 64 * 1024)) {
            for (int i = 0; i < 30_000; i++) log.register(path("q" + i), path("q" + (i / 2)));
            small.catchUp(log.events.iterator());
            assertTrue(small.mapSize() > 64 * 1024, "map grew: " + small.mapSize());
            assertEquals(29_999, small.lastAppliedSequence());
            assertEquals(30_000, small.validPaths().size());
            assertEquals(List.of(path("q2"), path("q3")).stream().sorted().toList(), small.referrers(path("q1")));
        }
        view = LmdbProjections.open(dir.resolve("env"));
    }

    @Test
    void tinyMap_growsWithinOneBatch() {
        view.close();
        try (LmdbProjections small = LmdbProjections.open(dir.resolve("small1"), 32 * 1024)) {
            for (int i = 0; i < 5_000; i++) log.register(path("r" + i));
            small.apply(log.events);
            assertEquals(5_000, small.validPaths().size());
        }
        view = LmdbProjections.open(dir.resolve("env"));
    }
}
