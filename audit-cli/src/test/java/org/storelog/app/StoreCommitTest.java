package org.storelog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.app.gc.GcFixture;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent;
import org.storelog.projection.InMemoryStoreView;

/** {@link Store#commit} from several threads: every batch visible on return, folded in log order, none lost. */
class StoreCommitTest {
    @TempDir Path tmp;

    private static StoreEvent registered(String p) {
        return new StoreEvent.PathRegistered(p, GcFixture.NAR_HASH, 1, List.of(), null, null, List.of(), 1700000000L,
                StoreEvent.Origin.ADDED);
    }

    private static List<String> logOrder(Store store) {
        List<String> paths = new ArrayList<>();
        try (Stream<LoggedEvent> s = store.log().read(0)) {
            s.forEach(e -> {
                if (e.event() instanceof StoreEvent.PathRegistered r) paths.add(r.path());
            });
        }
        return paths;
    }

    @Test void concurrentCommits_eachVisibleOnReturn_projectionEqualsReplay() throws Exception {
        int threads = 4, perThread = 40;
        try (Store store = GcFixture.create(tmp)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int tt = t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        String a = GcFixture.path(tt * 1000 + 2 * i, "a"), b = GcFixture.path(tt * 1000 + 2 * i + 1, "b");
                        List<LoggedEvent> logged = store.commit(List.of(registered(a), registered(b)));
                        assertEquals(2, logged.size());
                        assertEquals(logged.get(0).sequence() + 1, logged.get(1).sequence(), "a batch is contiguous");
                        assertTrue(store.view().isValid(a) && store.view().isValid(b), "visible when commit returns");
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) f.get();
            pool.shutdown();

            assertEquals(store.log().lastSequence(), store.view().lastAppliedSequence());
            assertEquals(threads * perThread * 2, store.view().validPaths().size());
            InMemoryStoreView replayed;
            try (Stream<LoggedEvent> s = store.log().read(0)) {
                Iterator<LoggedEvent> it = s.iterator();
                replayed = InMemoryStoreView.replay(it, Long.MAX_VALUE);
            }
            assertEquals(new java.util.TreeSet<>(replayed.validPaths()), new java.util.TreeSet<>(store.view().validPaths()));
        }
    }

    @Test void commitAsync_joinedBeforeTheNextCommit_comesFirstInTheLog() throws Exception {
        try (Store store = GcFixture.create(tmp)) {
            for (int i = 0; i < 20; i++) {
                String first = GcFixture.path(2 * i, "first"), second = GcFixture.path(2 * i + 1, "second");
                CompletableFuture<List<LoggedEvent>> f = store.commitAsync(List.of(registered(first)));
                long seq = f.join().get(0).sequence();
                assertTrue(store.view().isValid(first));
                long next = store.commit(List.of(registered(second))).get(0).sequence();
                assertTrue(next > seq);
            }
            List<String> order = logOrder(store);
            for (int i = 0; i < 20; i++)
                assertTrue(order.indexOf(GcFixture.path(2 * i, "first")) < order.indexOf(GcFixture.path(2 * i + 1, "second")));
        }
    }

    @Test void commit_afterEventsAppendedToTheLogDirectly_foldsThoseToo() {
        try (Store store = GcFixture.create(tmp)) {
            String direct = GcFixture.path(1, "direct"), committed = GcFixture.path(2, "committed");
            store.log().append(List.of(registered(direct))); // not through commit: a gap for the projection
            store.commit(List.of(registered(committed)));
            assertTrue(store.view().isValid(direct));
            assertTrue(store.view().isValid(committed));
            assertEquals(store.log().lastSequence(), store.view().lastAppliedSequence());
        }
    }

    @Test void closeWaitsForBackgroundCommits() {
        Path state;
        String p = GcFixture.path(7, "async");
        try (Store store = GcFixture.create(tmp)) {
            state = store.state();
            store.commitAsync(List.of(registered(p)));
        }
        try (Store again = Store.open(state, false)) {
            assertTrue(again.view().isValid(p));
        }
    }
}
