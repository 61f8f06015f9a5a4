package org.storelog.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.app.Store;
import org.storelog.app.StoreConfig;
import org.storelog.testsupport.ExternalTools;

/** {@code audit build} limits and refusals, with derivations written by {@code audit drv create} (no Nix needed). */
class BuildCommandTest {
    @TempDir Path tmp;

    CliRunner standalone() throws Exception {
        return StandaloneFixture.standalone(tmp);
    }

    String busybox(CliRunner audit) throws Exception { return StandaloneFixture.busybox(audit, tmp); }

    String drv(CliRunner audit, String bb, String name, String script) {
        return StandaloneFixture.drv(audit, bb, name, script);
    }

    @Test
    void timeout_killsTheBuild_andRecordsBuildFailed() throws Exception {
        ExternalTools.require("bwrap");
        ExternalTools.require("/usr/bin/busybox");
        CliRunner audit = standalone();
        String d = drv(audit, busybox(audit), "sleeper", "busybox sleep 60; echo late > $out");
        CliRunner.Result r = audit.run("build", "--timeout", "1", d);
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("timed out"), r.err());
        try (Store s = Store.open(tmp.resolve("state"), false)) {
            var last = s.view().lastBuild(d).orElseThrow();
            assertFalse(last.succeeded());
            assertTrue(last.reason().contains("timed out"));
        }
    }

    @Test
    void maxSilentTime_killsABuildThatSaysNothing() throws Exception {
        ExternalTools.require("bwrap");
        ExternalTools.require("/usr/bin/busybox");
        CliRunner audit = standalone();
        String d = drv(audit, busybox(audit), "quiet", "echo start; busybox sleep 60; echo late > $out");
        CliRunner.Result r = audit.run("build", "--max-silent-time", "1", d);
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("without output"), r.err());
    }

    @Test
    void dependentDerivations_buildInOrder_withTwoJobs_andRuntimeReferencesAreFound() throws Exception {
        ExternalTools.require("bwrap");
        ExternalTools.require("/usr/bin/busybox");
        CliRunner audit = standalone();
        String bb = busybox(audit);
        String a = drv(audit, bb, "a", "echo a > $out");
        String aOut = audit.run("query", "outputs", a).out().strip();
        CliRunner.Result b = audit.run("drv", "create", "--name", "b", "--builder", bb + "/busybox", "--arg", "sh",
                "--arg", "-ec", "--arg", "busybox cat " + aOut + " > $out; echo " + aOut + " >> $out", "--input-drv", a);
        String c = drv(audit, bb, "c", "echo c > $out");
        CliRunner.Result r = audit.run("build", "--jobs", "2", b.out().strip(), c);
        assertEquals(0, r.exit(), r.err());
        assertEquals(2, r.lines().size());
        String bOut = r.lines().get(0);
        assertEquals("a\n" + aOut + "\n", Files.readString(tmp.resolve("root").resolve(bOut.substring(1))));
        assertEquals(aOut + "\n", audit.run("query", "references", bOut).out());
    }

    @Test
    void oneJob_aFailedBuilder_startsNoFurtherBuild_logsAreKept_andNoWorkDirectoryIsLeft() throws Exception {
        ExternalTools.require("bwrap");
        ExternalTools.require("/usr/bin/busybox");
        CliRunner audit = standalone();
        String bb = busybox(audit);
        String ok = drv(audit, bb, "fine", "echo fine; echo fine > $out");
        String bad = drv(audit, bb, "broken", "echo broken; exit 3");
        String never = drv(audit, bb, "never", "echo never > $out");
        CliRunner.Result r = audit.run("build", "--jobs", "1", ok, bad, never);
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("building '" + ok + "'"), r.err());
        assertTrue(r.err().contains("building '" + bad + "'"), r.err());
        assertFalse(r.err().contains("building '" + never + "'"), "a build started after the failure: " + r.err());
        assertEquals("fine\n", audit.run("build-log", ok).out());
        assertEquals("broken\n", audit.run("build-log", bad).out());
        try (var work = Files.list(tmp.resolve("state").resolve("builds"))) {
            // the checking and deleting run beside the sandboxes, but are finished before the command returns
            assertEquals(java.util.List.of(), work.toList());
        }
    }

    @Test
    void attachedStore_refusesToBuildOrAdd_andIsNeverWritten() throws Exception {
        Path state = tmp.resolve("attached");
        Path nixRoot = Files.createDirectories(tmp.resolve("nixroot/nix/store")).getParent().getParent();
        Store.create(state, new StoreConfig("/nix/store", StoreConfig.ATTACHED, nixRoot.resolve("nix/store").toString(),
                nixRoot.toString())).close();
        CliRunner audit = new CliRunner(state);
        Path drvFile = Files.writeString(tmp.resolve("x.drv"), "Derive([],[],[],\"x\",\"y\",[],[])");
        CliRunner.Result build = audit.run("build", drvFile.toString());
        assertEquals(1, build.exit());
        assertTrue(build.err().contains("attached to Nix"), build.err());
        CliRunner.Result add = audit.run("add", drvFile.toString());
        assertEquals(1, add.exit());
        assertTrue(add.err().contains("attached to Nix"), add.err());
        try (var files = Files.list(nixRoot.resolve("nix/store"))) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void builtinBuilder_isRefusedClearly() throws Exception {
        CliRunner audit = standalone();
        Path f = Files.writeString(tmp.resolve("fetch.drv"), "Derive([(\"out\",\"/nix/store/00000000000000000000000000000000-f\",\"\",\"\")],"
                + "[],[],\"builtin\",\"builtin:fetchurl\",[],[(\"out\",\"/nix/store/00000000000000000000000000000000-f\")])");
        CliRunner.Result r = audit.run("build", f.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("builtin builders"), r.err());
    }
}
