package org.storelog.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.testsupport.ExternalTools;

/**
 * {@code audit rebuild --check --vary}: derivations that embed one property of the environment are
 * reproducible in Nix's environment ({@code --vary none}) and diverge under {@code --vary standard},
 * with that property named as the cause. One standalone store for the class, one derivation per test.
 */
class RebuildVariationTest {
    @TempDir static Path tmp;
    static CliRunner audit;
    static String busybox;

    @BeforeAll
    static void store() throws Exception {
        ExternalTools.require("bwrap");
        ExternalTools.require("/usr/bin/busybox");
        audit = StandaloneFixture.standalone(tmp);
        busybox = StandaloneFixture.busybox(audit, tmp);
    }

    static String drv(String name, String script) {
        return StandaloneFixture.drv(audit, busybox, name, script);
    }

    static CliRunner.Result rebuild(String... args) {
        List<String> all = new ArrayList<>(List.of("rebuild", "--check"));
        all.addAll(List.of(args));
        return audit.run(all.toArray(String[]::new));
    }

    static JsonNode result(CliRunner.Result r) throws Exception {
        return Json.MAPPER.readTree(r.out()).get("results").get(0);
    }

    static List<String> causes(JsonNode res) {
        List<String> l = new ArrayList<>();
        res.path("cause").forEach(c -> l.add(c.asText()));
        return l;
    }

    /** Reproducible with --vary none (two rounds), diverged with --vary standard and attributed to {@code cause} alone. */
    static JsonNode reproducibleInNixsEnvironment_divergedBy(String d, String cause) throws Exception {
        CliRunner.Result none = rebuild("--vary", "none", "--rounds", "2", "--json", d);
        assertEquals(0, none.exit(), none.out() + none.err());
        assertEquals("none", result(none).get("variation").asText());
        assertFalse(result(none).has("cause"), none.out());

        CliRunner.Result std = rebuild("--vary", "standard", "--json", d);
        assertEquals(2, std.exit(), std.out() + std.err());
        JsonNode res = result(std);
        assertEquals("diverged", res.get("verdict").asText());
        assertEquals(List.of(cause), causes(res), res.toString());
        assertEquals("variation", res.get("attribution").get("kind").asText());
        assertEquals("differs", res.get("attribution").get("trials").get(cause).asText(), res.toString());
        assertEquals("same", res.get("attribution").get("trials").get("plain").asText(), res.toString());
        assertTrue(res.get("reason").asText().endsWith("caused by: " + cause), res.get("reason").asText());
        assertTrue(res.get("variation").asText().startsWith("round 1: none; round 2: "), res.toString());
        assertEquals(2, res.get("outputs").get("out").get("rebuilt").size());
        return res;
    }

    @Test void buildDirectoryPath_isAttributedToBuildDir() throws Exception {
        reproducibleInNixsEnvironment_divergedBy(drv("pwd", "pwd > $out"), "build-dir");
    }

    @Test void hostname_isAttributedToHostname_andShownInTextAndHistory() throws Exception {
        String d = drv("hostname", "hostname > $out");
        reproducibleInNixsEnvironment_divergedBy(d, "hostname");

        CliRunner.Result text = rebuild("--vary", "standard", d);
        assertEquals(2, text.exit(), text.err());
        assertTrue(text.out().contains(d + ": diverged (output out differs from the first round; caused by: hostname)"), text.out());
        assertTrue(text.out().contains("  variation: round 1: none; round 2: "), text.out());
        assertTrue(text.out().contains("    hostname alone: differs"), text.out());
        assertTrue(text.out().contains("    umask alone: same"), text.out());

        CliRunner.Result h = audit.run("history", d);
        assertEquals(0, h.exit(), h.err());
        assertTrue(h.out().contains("variation round 1: none; round 2: build-dir=/tmp/nix-build-rebuild-1,hostname=rebuild-1"),
                h.out());
        assertTrue(h.out().contains("caused by: hostname"), h.out());
    }

    @Test void cpuCount_isAttributedToCpus() throws Exception {
        Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() > 1, "one CPU: the CPU count cannot vary");
        reproducibleInNixsEnvironment_divergedBy(drv("nproc", "nproc > $out"), "cpus");
    }

    @Test void umask_isAttributedToUmask() throws Exception {
        reproducibleInNixsEnvironment_divergedBy(drv("umask", "umask > $out"), "umask");
    }

    @Test void uid_isAttributedToIds() throws Exception {
        reproducibleInNixsEnvironment_divergedBy(drv("uid", "id -u > $out"), "ids");
    }

    @Test void readdirOrder_isAttributedToTheBuildDirFileSystem() throws Exception {
        Assumptions.assumeFalse("tmpfs".equals(Files.getFileStore(tmp).type()),
                "the state directory is on tmpfs: Nix's environment and the variation list directories alike");
        // ext4 lists a directory in name-hash order, tmpfs in reverse creation order; find walks in readdir order.
        reproducibleInNixsEnvironment_divergedBy(drv("readdir",
                "mkdir d; for i in $(seq 1 40); do touch d/f$i; done; find d > $out"), "build-dir-fs");
    }

    @Test void recordedOutput_isTheReference_forVariedRounds() throws Exception {
        String d = drv("recorded-hostname", "hostname > $out");
        CliRunner.Result b = audit.run("build", d);
        assertEquals(0, b.exit(), b.err());
        assertEquals(0, rebuild(d).exit(), "one round in Nix's environment equals the record");
        CliRunner.Result r = rebuild("--vary", "hostname", "--json", d);
        assertEquals(2, r.exit(), r.out() + r.err());
        JsonNode res = result(r);
        assertTrue(res.get("reason").asText().startsWith("output out differs from the recorded output; caused by: hostname"),
                res.toString());
        JsonNode o = res.get("outputs").get("out");
        assertEquals(o.get("recorded"), o.get("rebuilt").get(0));
        assertNotEquals(o.get("recorded"), o.get("rebuilt").get(1));
    }

    @Test void time_divergesWithoutVariation_andNoVariationIsBlamed() throws Exception {
        // /proc/uptime has centisecond resolution, and builds take longer than that.
        CliRunner.Result r = rebuild("--vary", "standard", "--json", drv("clock", "date +%s > $out; cat /proc/uptime >> $out"));
        assertEquals(2, r.exit(), r.out() + r.err());
        JsonNode res = result(r);
        assertEquals("non-deterministic", res.get("attribution").get("kind").asText(), res.toString());
        assertEquals(0, res.get("cause").size(), res.toString());
        assertEquals("differs", res.get("attribution").get("trials").get("plain").asText());
        assertEquals(1, res.get("attribution").get("trials").size(), "no single variation tried: " + res);
        assertTrue(res.get("reason").asText().contains("non-deterministic even without variation"), res.toString());
    }

    @Test void recordedOutputDifferingInRound1_isNonDeterministic_withoutTrialRebuilds() throws Exception {
        String d = drv("recorded-clock", "cat /proc/uptime > $out");
        CliRunner.Result b = audit.run("build", d);
        assertEquals(0, b.exit(), b.err());
        CliRunner.Result r = rebuild("--vary", "standard", "--json", d);
        assertEquals(2, r.exit(), r.out() + r.err());
        JsonNode res = result(r);
        assertEquals("non-deterministic", res.get("attribution").get("kind").asText(), res.toString());
        assertEquals(0, res.get("attribution").get("trials").size(), res.toString());
        assertTrue(res.get("reason").asText().contains("round 1 in Nix's environment already differs"), res.toString());
    }

    @Test void differenceNeedingTwoVariations_isSaidToNeedACombination() throws Exception {
        String d = drv("both", "if [ \"$(hostname)\" != localhost ] && [ \"$(umask)\" != 0022 ]; then echo both > $out; "
                + "else echo not-both > $out; fi");
        CliRunner.Result r = rebuild("--vary", "hostname,umask", "--json", d);
        assertEquals(2, r.exit(), r.out() + r.err());
        JsonNode res = result(r);
        assertEquals("no-single-variation", res.get("attribution").get("kind").asText(), res.toString());
        assertEquals(0, res.get("cause").size());
        assertTrue(res.get("reason").asText().contains("no single variation suffices"), res.toString());
        assertEquals("round 1: none; round 2: hostname=rebuild-1,umask=0077", res.get("variation").asText());
    }

    @Test void list_variesOnlyTheNamedKinds() throws Exception {
        String d = drv("list-pwd", "pwd > $out");
        CliRunner.Result r = rebuild("--vary", "hostname,umask", "--json", d);
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals("round 1: none; round 2: hostname=rebuild-1,umask=0077", result(r).get("variation").asText());
    }

    @Test void variationWithOneRound_isAUsageError() {
        CliRunner.Result r = rebuild("--vary", "hostname", "--rounds", "1", drv("one-round", "echo x > $out"));
        assertEquals(64, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("use --rounds 2 or more"), r.err());
    }

    @Test void deterministicDerivation_isReproducibleUnderEveryVariation() throws Exception {
        CliRunner.Result r = rebuild("--vary", "standard", "--rounds", "3", "--json",
                drv("plain", "mkdir $out; echo hello > $out/a; ln -s a $out/b"));
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode res = result(r);
        assertEquals(3, res.get("outputs").get("out").get("rebuilt").size());
        assertTrue(res.get("variation").asText().contains("round 3: build-dir=/tmp/nix-build-rebuild-2"), res.toString());
        assertFalse(res.has("attribution"));
    }
}
