package org.storelog.app.gc;

import static org.junit.jupiter.api.Assertions.*;
import static org.storelog.app.gc.GcFixture.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.app.Store;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent;

/** kill -9 of a child JVM in the middle of a sweep, then reopen: invariants hold and the next run finishes. */
class SweepCrashTest {
    @TempDir Path dir;
    static final int LIVE = 50, DEAD = 1500;

    /** Child: opens the store for writing and sweeps; announces itself first. */
    public static void main(String[] args) {
        try (Store s = Store.open(Path.of(args[0]), true)) {
            System.out.println("sweeping");
            System.out.flush();
            Collector.sweep(s, true, false, -1, false);
        }
    }

    @Test
    void killedSweepLeavesNoValidDeletedPathAndTheNextRunCompletesIt() throws Exception {
        List<String> live = new ArrayList<>(), dead = new ArrayList<>();
        try (Store s = create(dir)) {
            String prev = null;
            for (int i = 0; i < LIVE; i++) {
                String p = path(i, "live" + i);
                register(s, p, 10, prev == null ? List.of() : List.of(prev), null);
                live.add(p);
                prev = p;
            }
            root(s, "top", prev);
            for (int i = 0; i < DEAD; i++) {
                String p = path(10_000 + i, "dead" + i);
                register(s, p, 10, List.of(live.get(i % LIVE)), null);
                dead.add(p);
            }
        }
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "--add-opens", "java.base/java.nio=ALL-UNNAMED",
                "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), SweepCrashTest.class.getName(), dir.resolve("state").toString())
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
        String line;
        while ((line = out.readLine()) != null && !line.equals("sweeping")) { }
        assertEquals("sweeping", line, "child did not start its sweep");
        Thread.sleep(300);
        child.destroyForcibly(); // SIGKILL
        child.waitFor();

        try (Store s = Store.open(dir.resolve("state"), true)) {
            for (String p : live) {
                assertTrue(s.view().isValid(p), "live path lost: " + p);
                assertTrue(Files.exists(s.config().physical(p)), "live files lost: " + p);
            }
            for (String p : dead)
                if (s.view().isValid(p)) assertTrue(Files.exists(s.config().physical(p)), "valid path without files: " + p);
            Collector.SweepResult r = Collector.sweep(s, true, false, -1, false);
            assertTrue(r.complete());
            for (String p : dead) {
                assertFalse(s.view().isValid(p));
                assertFalse(Files.exists(s.config().physical(p)));
            }
            for (String p : live) assertTrue(s.view().isValid(p));
            try (Stream<LoggedEvent> ev = s.log().read(0)) {
                List<StoreEvent> events = ev.map(LoggedEvent::event).toList();
                long started = events.stream().filter(e -> e instanceof StoreEvent.GcSweepStarted).count();
                long completed = events.stream().filter(e -> e instanceof StoreEvent.GcSweepCompleted).count();
                assertEquals(started, completed, "every sweep is closed");
                assertEquals(DEAD, events.stream().filter(e -> e instanceof StoreEvent.PathDeleted).count());
            }
        }
    }
}
