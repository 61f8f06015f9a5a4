package org.storelog.app.gc;

import static org.junit.jupiter.api.Assertions.*;
import static org.storelog.app.gc.GcFixture.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.app.Store;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent;

class CollectorTest {
    @TempDir Path dir;

    final String lib = path(1, "lib"), app = path(2, "app"), orphan = path(3, "orphan"),
            appDrv = path(4, "app.drv"), tool = path(5, "tool"), toolDrv = path(6, "tool.drv"), src = path(7, "src");

    /** app → lib; orphan → lib; app.drv → src, declares app (deriver of app); tool.drv declares tool. */
    Store populate() {
        Store s = create(dir);
        register(s, lib, 100, List.of(), null);
        register(s, src, 5, List.of(), null);
        register(s, appDrv, 10, List.of(src), null);
        register(s, app, 200, List.of(lib), appDrv);
        register(s, orphan, 50, List.of(lib), null);
        register(s, toolDrv, 10, List.of(), null);
        register(s, tool, 70, List.of(), toolDrv);
        outputs(s, appDrv, Map.of("out", app));
        outputs(s, toolDrv, Map.of("out", tool));
        root(s, "app", app);
        root(s, "tooldrv", toolDrv);
        return s;
    }

    @Test
    void keepDerivationsKeepsTheDeriverOfALiveOutputAndItsClosure() {
        try (Store s = populate()) {
            assertEquals(Set.of(orphan, tool), Set.copyOf(Collector.deadPaths(s, true, false)));
            assertEquals(Set.of(orphan, tool, appDrv, src), Set.copyOf(Collector.deadPaths(s, false, false)));
        }
    }

    @Test
    void keepOutputsKeepsTheOutputsOfALiveDerivation() {
        try (Store s = populate()) {
            assertEquals(Set.of(orphan), Set.copyOf(Collector.deadPaths(s, true, true)));
        }
    }

    @Test
    void sweepDeletesReferrersBeforeReferencesAndRecordsEvents() {
        try (Store s = populate()) {
            s.commit(List.of(new StoreEvent.RootRemoved("app", app)));
            Collector.SweepResult r = Collector.sweep(s, true, false, -1, false);
            assertTrue(r.complete());
            List<String> order = r.dead();
            assertTrue(order.indexOf(app) < order.indexOf(lib), "app refers to lib, so it goes first");
            assertTrue(order.indexOf(orphan) < order.indexOf(lib));
            assertTrue(order.indexOf(appDrv) < order.indexOf(src));
            for (String p : List.of(app, lib, orphan, appDrv, src, tool)) {
                assertFalse(s.view().isValid(p), p);
                assertFalse(Files.exists(s.config().physical(p)), p);
            }
            assertTrue(s.view().isValid(toolDrv));
            assertTrue(Files.exists(s.config().physical(toolDrv)));
            assertEquals(100 + 5 + 10 + 200 + 50 + 70, r.freedBytes());
            try (Stream<LoggedEvent> ev = s.log().read(0)) {
                List<StoreEvent> gc = ev.map(LoggedEvent::event)
                        .filter(e -> e instanceof StoreEvent.GcSweepStarted || e instanceof StoreEvent.PathDeleted
                                || e instanceof StoreEvent.GcSweepCompleted).toList();
                assertInstanceOf(StoreEvent.GcSweepStarted.class, gc.getFirst());
                assertEquals(new StoreEvent.GcSweepCompleted(r.sweepId(), r.freedBytes(), 6, true), gc.getLast());
                assertEquals(6, gc.stream().filter(e -> e instanceof StoreEvent.PathDeleted pd
                        && r.sweepId().equals(pd.sweepId()) && pd.reason().startsWith(Collector.REASON)).count());
            }
        }
    }

    @Test
    void maxFreedStopsOnceTheLimitIsReached() {
        try (Store s = populate()) {
            Collector.SweepResult r = Collector.sweep(s, true, false, 1, false);
            assertEquals(1, r.deletedCount());
            assertFalse(r.complete());
            assertEquals(1, Collector.deadPaths(s, true, false).size());
        }
    }

    @Test
    void dryRunDeletesNothing() {
        try (Store s = populate()) {
            Collector.SweepResult r = Collector.sweep(s, true, false, -1, true);
            assertEquals(Set.of(orphan, tool), Set.copyOf(r.dead()));
            assertTrue(s.view().isValid(orphan));
            assertTrue(Files.exists(s.config().physical(orphan)));
        }
    }

    @Test
    void aLaterSweepClosesAnInterruptedOneAndRemovesItsLeftoverFiles() {
        try (Store s = populate()) {
            // what a crash right after committing PathDeleted leaves: the files, and no completion
            s.commit(List.of(new StoreEvent.GcSweepStarted("crashed", true, false, -1, 2, 120)));
            s.commit(List.of(new StoreEvent.PathDeleted(orphan, "crashed", Collector.REASON, 50)));
            assertTrue(Files.exists(s.config().physical(orphan)));
            Collector.SweepResult r = Collector.sweep(s, true, false, -1, false);
            assertEquals(List.of("crashed"), r.closedSweeps());
            assertEquals(1, r.leftoversRemoved());
            assertFalse(Files.exists(s.config().physical(orphan)));
            assertEquals(List.of(tool), r.dead());
            try (Stream<LoggedEvent> ev = s.log().read(0)) {
                assertTrue(ev.map(LoggedEvent::event).anyMatch(
                        e -> e.equals(new StoreEvent.GcSweepCompleted("crashed", 50, 1, false))));
            }
        }
    }

    @Test
    void historyShowsTheSweepTheRootRemovalAndWhetherARegistrationMatchesTheDeletedOne() {
        try (Store s = populate()) {
            s.commit(List.of(new StoreEvent.RootRemoved("app", app)));
            Collector.SweepResult r = Collector.sweep(s, true, false, -1, false);
            var lines = org.storelog.app.History.of(s, lib).entries().stream().map(e -> e.summary()).toList();
            assertTrue(lines.stream().anyMatch(l -> l.contains("deleted by GC sweep " + r.sweepId())
                    && l.contains("since root 'app' was removed")), lines.toString());
            var orphanLines = org.storelog.app.History.of(s, orphan).entries().stream().map(e -> e.summary()).toList();
            assertTrue(orphanLines.getLast().contains("no removed root ever reached it"), orphanLines.toString());
            register(s, lib, 100, List.of(), null); // registered again with the same NAR hash
            var again = org.storelog.app.History.of(s, lib).entries().getLast().summary();
            assertTrue(again.contains("NAR hash matches the registration before"), again);
        }
    }
}
