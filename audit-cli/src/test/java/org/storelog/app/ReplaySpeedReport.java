package org.storelog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.app.importer.Importer;
import org.storelog.app.importer.SyntheticDump;
import org.storelog.cli.Audit;
import org.storelog.cli.ExitCodes;

/**
 * Prints import and replay figures inside one JVM, round after round (the first round is the cold
 * JVM, later rounds show the warm rate): wall time and the process's CPU time. No assertions on
 * time. Run with
 * {@code mvn -o -q -B -pl audit-cli -am verify -Dtest=ReplaySpeedReport -Dsurefire.failIfNoSpecifiedTests=false
 * -Dreplay.speed=true [-Dreplay.paths=100000]}; output in target/surefire-reports.
 */
@EnabledIfSystemProperty(named = "replay.speed", matches = "true")
class ReplaySpeedReport {
    @Test
    void importAndReplayRounds(@TempDir Path tmp) throws Exception {
        int n = Integer.getInteger("replay.paths", 100_000);
        Path dump = Files.writeString(tmp.resolve("dump"), SyntheticDump.text(n, 7));
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int round = 1; round <= 5; round++) {
            Path state = tmp.resolve("s" + round);
            assertEquals(0, ExitCodes.commandLine(new Audit()).execute("--state", state.toString(), "init",
                    "--store-dir", "/nix/store"));
            long c0 = os.getProcessCpuTime(), t0 = System.nanoTime();
            Importer.Report imp;
            try (Store store = Store.open(state, true)) {
                imp = new Importer(store).importDumpDb(dump, Progress.NONE);
            }
            long c1 = os.getProcessCpuTime(), t1 = System.nanoTime();
            Replay.Report rep = Replay.rebuild(state);
            long c2 = os.getProcessCpuTime(), t2 = System.nanoTime();
            assertEquals(n, imp.registered());
            System.out.printf("round %d: import %,d paths %.2f s (cpu %.2f s); replay %,d events %.2f s = %,.0f events/s"
                            + " (cpu %.2f s; fold waited for the log %.2f s)%n", round, n, (t1 - t0) / 1e9, (c1 - c0) / 1e9,
                    rep.events(), (t2 - t1) / 1e9, rep.events() * 1e9 / (t2 - t1), (c2 - c1) / 1e9, rep.readMillis() / 1e3);
        }
    }
}
