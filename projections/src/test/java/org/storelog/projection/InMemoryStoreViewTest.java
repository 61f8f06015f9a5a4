package org.storelog.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.storelog.projection.Log.path;

import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryStoreViewTest extends StoreViewContract {
    @Override protected StoreProjection create() { return new InMemoryStoreView(); }

    @Override protected StoreProjection reopen(StoreProjection v) { return v; }

    @Test
    void replay_stopsAfterTheGivenSequence() {
        log.register(A);
        log.register(B, A);
        log.delete(B);
        InMemoryStoreView at1 = InMemoryStoreView.replay(log.events.iterator(), 1);
        assertEquals(1, at1.lastAppliedSequence());
        assertTrue(at1.isValid(B));
        assertEquals(List.of(B), at1.referrers(A));
        InMemoryStoreView all = InMemoryStoreView.replay(log.events.iterator(), Long.MAX_VALUE);
        assertFalse(all.isValid(B));
        assertEquals(List.of(path("a")), all.validPaths());
    }
}
