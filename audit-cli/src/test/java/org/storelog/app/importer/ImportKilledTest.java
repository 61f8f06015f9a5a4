package org.storelog.app.importer;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.app.Store;
import org.storelog.cli.Audit;
import org.storelog.cli.ExitCodes;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent;
import org.storelog.domain.event.StoreEvent.DerivationOutputsDeclared;
import org.storelog.domain.event.StoreEvent.PathDeleted;
import org.storelog.domain.event.StoreEvent.PathRegistered;
import org.storelog.log.EventLog;
import org.storelog.log.EventLogs;
import org.storelog.log.VerifyReport;
import org.storelog.projection.InMemoryStoreView;
import org.storelog.projection.LmdbProjections;

/**
 * Crash safety of {@code audit import}: a child JVM running {@code Audit import --dump-db} is killed
 * with SIGKILL at a random moment, 30 times (half of them on a reimport that also deletes vanished
 * paths). After each kill: the log verifies, the import's batches in the log are exactly a prefix of
 * the planned batches (each one whole), and the reopened store answers every query for every path as
 * a fresh replay of the log does.
 */
class ImportKilledTest {
    static final int TRIALS = 30;
    static final int BATCH = 100;

    @Test
    void killedImport_leavesWholeBatchesAndProjectionsEqualToReplay(@TempDir Path tmp) throws Exception {
        List<SyntheticDump.Entry> b = SyntheticDump.entries(SyntheticDump.paths(1200, 8), 5, 8);
        // A: the first 600 paths of B (ten of them with another NAR hash) plus 200 paths B lacks.
        List<SyntheticDump.Entry> a = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            SyntheticDump.Entry e = b.get(i);
            a.add(i >= 10 && i < 20 ? new SyntheticDump.Entry(e.path(), "ab".repeat(32), e.narSize(), e.deriver(),
                    e.references()) : e);
        }
        a.addAll(SyntheticDump.entries(SyntheticDump.paths(200, 9), 3, 9));
        Path dumpA = Files.writeString(tmp.resolve("a.dump"), SyntheticDump.text(a));
        Path dumpB = Files.writeString(tmp.resolve("b.dump"), SyntheticDump.text(b));
        StoreSnapshot snapB;
        try (var in = Files.newInputStream(dumpB)) {
            snapB = new DumpDbParser(dumpB.toString(), "/nix/store").parse(in);
        }

        Random rnd = new Random(42);
        int killedMidway = 0, partial = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            Path state = tmp.resolve("s" + trial);
            assertEquals(0, audit("--state", state.toString(), "init", "--store-dir", "/nix/store"));
            boolean reimport = trial % 2 == 1;
            if (reimport) assertEquals(0, audit("--state", state.toString(), "import", "--dump-db", dumpA.toString()));
            long before;
            InMemoryStoreView pre;
            try (EventLog log = EventLogs.openEmbedded(Store.logDir(state));
                 Stream<LoggedEvent> s = log.read(0)) {
                before = log.lastSequence();
                pre = InMemoryStoreView.replay(s.iterator(), Long.MAX_VALUE);
            }
            long sizeBefore = treeSize(Store.logDir(state));

            Process child = startImport(state, dumpB);
            boolean early = trial % 6 == 0; // some kills land before the first commit, or during start-up
            if (early) {
                Thread.sleep(rnd.nextInt(1500));
            } else {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (child.isAlive() && treeSize(Store.logDir(state)) == sizeBefore && System.nanoTime() < deadline)
                    Thread.sleep(2);
                Thread.sleep(rnd.nextInt(400)); // the first batch is in: kill somewhere in the rest
            }
            boolean wasAlive = child.isAlive();
            child.destroyForcibly(); // SIGKILL
            child.waitFor();
            if (wasAlive) killedMidway++;

            int committed = checkAfterKill(state, before, pre, snapB, "trial " + trial + (reimport ? " (reimport)" : ""));
            if (wasAlive && committed > 0) partial++;
        }
        assertTrue(killedMidway >= TRIALS / 2, "most kills landed while the import ran: " + killedMidway);
        assertTrue(partial >= TRIALS / 3, "many kills left an import with some batches in: " + partial);
    }

    /** Checks the store after a kill; returns how many of the import's batches were committed. */
    private static int checkAfterKill(Path state, long before, InMemoryStoreView pre, StoreSnapshot snap, String what) {
        List<List<StoreEvent>> logged = new ArrayList<>();
        InMemoryStoreView replayed;
        try (EventLog log = EventLogs.openEmbedded(Store.logDir(state))) {
            VerifyReport v = log.verify();
            assertTrue(v.ok(), what + ": log verifies: " + v);
            Map<String, List<StoreEvent>> byBatch = new LinkedHashMap<>();
            try (Stream<LoggedEvent> s = log.read(before + 1)) {
                s.forEach(e -> byBatch.computeIfAbsent(e.batchId(), k -> new ArrayList<>()).add(e.event()));
            }
            logged.addAll(byBatch.values());
            try (Stream<LoggedEvent> s = log.read(0)) {
                replayed = InMemoryStoreView.replay(s.iterator(), Long.MAX_VALUE);
            }
            try (LmdbProjections p = LmdbProjections.open(Store.projectionDir(state))) {
                assertTrue(p.lastAppliedSequence() <= log.lastSequence(), what + ": projection is not ahead of the log");
            }
        }
        ImportPlanner.Plan plan = ImportPlanner.plan(snap, new ModelState(pre), 0, BATCH);
        System.out.printf("%s: %d of %d batches committed%n", what, logged.size(), plan.batches().size());
        assertTrue(logged.size() <= plan.batches().size(), what + ": no more batches than planned");
        for (int i = 0; i < logged.size(); i++)
            assertEquals(shape(plan.batches().get(i)), shape(logged.get(i)), what + ": batch " + i + " is whole");

        try (Store store = Store.open(state, true)) { // catches the projection up with the log
            SameAnswers.assertSameAnswers(replayed, store.view(), snap.paths().keySet());
        }
        return logged.size();
    }

    /** A batch as (type, path) pairs: what must be all there or all absent. */
    private static List<String> shape(List<StoreEvent> batch) {
        List<String> out = new ArrayList<>();
        for (StoreEvent e : batch) {
            switch (e) {
                case PathRegistered r -> out.add("registered " + r.path());
                case PathDeleted d -> out.add("deleted " + d.path());
                case DerivationOutputsDeclared d -> out.add("outputs " + d.drvPath());
                default -> out.add(e.getClass().getSimpleName());
            }
        }
        return out;
    }

    private static int audit(String... args) { return ExitCodes.commandLine(new Audit()).execute(args); }

    private static Process startImport(Path state, Path dump) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = List.of(java, "--add-opens", "java.base/java.nio=ALL-UNNAMED",
                "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-Dstorelog.import.batchPaths=" + BATCH,
                "-cp", System.getProperty("java.class.path"), Audit.class.getName(),
                "--state", state.toString(), "import", "--dump-db", dump.toString());
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Bytes of the log's segment files. */
    private static long treeSize(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            // segment files only: opening the log for writing also writes its lock file
            return s.filter(p -> p.getFileName().toString().endsWith(".events")).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** The planner's view of a replayed state (as the importer's view of its projection). */
    private record ModelState(InMemoryStoreView view) implements ImportPlanner.CurrentState {
        @Override
        public Iterable<String> importedValidPaths() {
            List<String> out = new ArrayList<>();
            for (String p : view.validPaths())
                view.info(p).filter(i -> i.origin() == StoreEvent.Origin.IMPORTED).ifPresent(i -> out.add(p));
            return out;
        }

        @Override
        public PathRegistered registration(String path) {
            return view.info(path).map(p -> new PathRegistered(p.path(), p.narHash(), p.narSize(), p.references(),
                    p.deriver(), p.ca(), p.signatures(), p.registrationTime(), p.origin())).orElse(null);
        }

        @Override
        public Map<String, String> derivationOutputs(String drvPath) { return view.derivationOutputs(drvPath); }
    }
}
