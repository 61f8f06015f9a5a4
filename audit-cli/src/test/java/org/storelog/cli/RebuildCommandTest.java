package org.storelog.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.testsupport.ExternalTools;

/** {@code audit rebuild --check} on a standalone store, with busybox derivations made by {@code audit drv create}. */
class RebuildCommandTest {
    @TempDir Path tmp;

    CliRunner standalone() throws Exception {
        ExternalTools.require("bwrap");
        ExternalTools.require("/usr/bin/busybox");
        return StandaloneFixture.standalone(tmp);
    }

    String busybox(CliRunner audit) throws Exception { return StandaloneFixture.busybox(audit, tmp); }

    String drv(CliRunner audit, String bb, String name, String script) {
        return StandaloneFixture.drv(audit, bb, name, script);
    }

    String built(CliRunner audit, String drv) {
        CliRunner.Result r = audit.run("build", drv);
        assertEquals(0, r.exit(), r.err());
        return r.out().strip();
    }

    static JsonNode json(CliRunner.Result r) throws Exception {
        return Json.MAPPER.readTree(r.out());
    }

    @Test
    void deterministicDerivation_isReproducible_checkedThroughItsOutputPath_andRecordedInHistory() throws Exception {
        CliRunner audit = standalone();
        String d = drv(audit, busybox(audit), "same", "mkdir $out; echo hello > $out/greeting; busybox ln -s greeting $out/link");
        String out = built(audit, d);

        CliRunner.Result r = audit.run("rebuild", "--check", "--json", out);
        assertEquals(0, r.exit(), r.err());
        JsonNode res = json(r).get("results").get(0);
        assertEquals(d, res.get("drv").asText());
        assertEquals("reproducible", res.get("verdict").asText());
        assertTrue(res.has("reason") && res.get("reason").isNull());
        JsonNode o = res.get("outputs").get("out");
        assertEquals(out, o.get("path").asText());
        assertTrue(o.get("recorded").asText().startsWith("sha256:"), o.toString());
        assertEquals(o.get("recorded").asText(), o.get("rebuilt").get(0).asText());
        assertEquals(0, o.get("differingFiles").size());
        assertEquals(1, json(r).get("summary").get("reproducible").asInt());

        CliRunner.Result h = audit.run("history", out);
        assertEquals(0, h.exit(), h.err());
        assertTrue(h.out().contains("rebuild check (1 round(s)"), h.out());
        assertTrue(h.out().contains("reproducible"), h.out());
        // scratch directories are gone
        try (var s = Files.list(tmp.resolve("state/builds"))) {
            assertEquals(0, s.filter(p -> p.getFileName().toString().startsWith("rebuild-")).count());
        }
    }

    @Test
    void randomOutput_diverges_withExit2_andNamesTheDifferingFile() throws Exception {
        CliRunner audit = standalone();
        String d = drv(audit, busybox(audit), "noisy",
                "mkdir $out; echo fixed > $out/same; busybox head -c 16 /dev/urandom > $out/noise");
        String out = built(audit, d);

        CliRunner.Result r = audit.run("rebuild", "--check", d);
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains(d + ": diverged"), r.out());
        assertTrue(r.out().contains("differs: /noise: content differs"), r.out());
        assertFalse(r.out().contains("/same"), r.out());
        assertTrue(r.out().contains("1 store item was analyzed: 0 identical, 1 differed, 0 inconclusive"), r.out());
        assertTrue(audit.run("history", out).out().contains("diverged"));
    }

    @Test
    void neverBuilt_oneRound_isInconclusive_butTwoRoundsCompareWithEachOther() throws Exception {
        CliRunner audit = standalone();
        String d = drv(audit, busybox(audit), "fresh", "echo fresh > $out");

        CliRunner.Result one = audit.run("rebuild", "--check", "--json", d);
        assertEquals(1, one.exit(), one.err());
        JsonNode res = json(one).get("results").get(0);
        assertEquals("inconclusive", res.get("verdict").asText());
        assertTrue(res.get("reason").asText().contains("not built yet"), res.toString());
        assertTrue(res.get("outputs").get("out").get("recorded").isNull());

        CliRunner.Result two = audit.run("rebuild", "--check", "--rounds", "2", "--json", d);
        assertEquals(0, two.exit(), two.err());
        JsonNode o = json(two).get("results").get(0).get("outputs").get("out");
        assertEquals(2, o.get("rebuilt").size());
        assertEquals(o.get("rebuilt").get(0), o.get("rebuilt").get(1));
        assertEquals(0, audit.run("query", "valid", o.get("path").asText()).out().length(), "nothing registered");
    }

    @Test
    void unknownPath_andPathWithoutDeriver_areInconclusive_andTheRestOfTheBatchStillRuns() throws Exception {
        CliRunner audit = standalone();
        String bb = busybox(audit);
        String d = drv(audit, bb, "ok", "echo ok > $out");
        built(audit, d);
        String dir = d.substring(0, d.lastIndexOf('/'));
        String unknown = dir + "/00000000000000000000000000000000-nowhere";

        CliRunner.Result r = audit.run("rebuild", "--check", "--json", unknown, bb, d);
        assertEquals(1, r.exit(), r.err());
        JsonNode results = json(r).get("results");
        assertEquals(3, results.size());
        assertEquals("inconclusive", results.get(0).get("verdict").asText());
        assertTrue(results.get(0).get("reason").asText().contains("unknown path"), results.toString());
        assertEquals("inconclusive", results.get(1).get("verdict").asText());
        assertTrue(results.get(1).get("reason").asText().contains("no deriver"), results.toString());
        assertEquals("reproducible", results.get(2).get("verdict").asText());
        JsonNode s = json(r).get("summary");
        assertEquals(3, s.get("analyzed").asInt());
        assertEquals(2, s.get("inconclusive").asInt());
    }

    @Test
    void failingBuild_isInconclusive_withTheReason_andKeepFailedKeepsTheWorkDirectory() throws Exception {
        CliRunner audit = standalone();
        String d = drv(audit, busybox(audit), "broken", "echo about to fail; exit 3");
        CliRunner.Result r = audit.run("rebuild", "--check", "--keep-failed", d);
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.out().contains("inconclusive (build failed"), r.out());
        assertTrue(r.out().contains("keeping work directory"), r.out());
        String kept = r.out().lines().filter(l -> l.contains("keeping work directory")).findFirst().orElseThrow();
        assertTrue(Files.isDirectory(Path.of(kept.substring(kept.indexOf('\'') + 1, kept.lastIndexOf('\'')))), kept);
    }

    @Test
    void unknownVariation_isAUsageError_listingTheValidNames() throws Exception {
        CliRunner audit = standalone();
        CliRunner.Result r = audit.run("rebuild", "--check", "--vary", "hostname,timezone", "/nix/store/00000000000000000000000000000000-x");
        assertEquals(64, r.exit());
        assertTrue(r.err().contains("unknown variation 'timezone'"), r.err());
        assertTrue(r.err().contains("build-dir, hostname, ids, cpus, umask, build-dir-fs"), r.err());
    }
}
