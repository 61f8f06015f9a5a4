package org.storelog.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.testsupport.ExternalTools;

/**
 * Issue 5's parity corpus ({@code nix/check.nix}): every derivation is built by the real Nix with its
 * sandbox on (the failing ones fail), storelog attaches to that Nix store, and one
 * {@code audit rebuild --check --vary none} of the whole corpus must give, for each derivation, the
 * verdict that {@code nix-build --check} gives: exit 0 → reproducible, 104 ("may not be
 * deterministic") → diverged, any other failure → inconclusive with a reason.
 */
class NixCheckParityTest {
    enum Expect { REPRODUCIBLE, DIVERGED, INCONCLUSIVE }

    /** Attribute → what Nix says of it; the test checks the corpus really behaves so. */
    static final Map<String, Expect> CORPUS = new LinkedHashMap<>();
    static {
        for (String a : List.of("single", "tree", "leaf", "runtimeRef", "selfRef", "multi", "fixedFlat", "fixedRec",
                "manyFiles", "large"))
            CORPUS.put(a, Expect.REPRODUCIBLE);
        for (String a : List.of("time", "urandom", "randomExec", "readdirTmpfs", "oneOutputDiffers"))
            CORPUS.put(a, Expect.DIVERGED);
        for (String a : List.of("fails", "noOutput", "wrongHash", "neverBuilt", "missingInput"))
            CORPUS.put(a, Expect.INCONCLUSIVE);
    }

    static final List<String> BUILD_FAILS = List.of("fails", "noOutput", "wrongHash");

    @TempDir Path tmp;

    @Test
    void rebuildCheckWithVaryNone_givesNixBuildChecksVerdict_forEveryDerivationOfTheCorpus() throws Exception {
        requireTools();
        NixCorpus nix = new NixCorpus(tmp);
        Map<String, String> drvs = nix.instantiate(new ArrayList<>(CORPUS.keySet()));
        List<String> toBuild = new ArrayList<>();
        CORPUS.forEach((a, e) -> { if (e != Expect.INCONCLUSIVE) toBuild.add(drvs.get(a)); });
        var built = nix.nixBuild(List.of(), toBuild);
        assertEquals(0, built.exit(), built.stderr());
        for (String a : BUILD_FAILS) assertNotEquals(0, nix.nixBuild(List.of(), List.of(drvs.get(a))).exit(), a);

        CliRunner audit = new CliRunner(tmp.resolve("state"));
        CliRunner.Result init = audit.run("init", "--attach-nix=" + nix.root());
        assertEquals(0, init.exit(), init.err());

        // The whole corpus in one command, plus two arguments that cannot be checked.
        String unknown = "/nix/store/00000000000000000000000000000000-nowhere";
        String busybox = nix.ok("nix-store", "--store", nix.store(), "-q", "--references", drvs.get("single"))
                .lines().filter(p -> p.endsWith("-busybox-static")).findFirst().orElseThrow();
        List<String> args = new ArrayList<>(List.of("rebuild", "--check", "--vary", "none", "--json"));
        args.addAll(drvs.values());
        args.add(unknown);
        args.add(busybox);
        CliRunner.Result r = audit.run(args.toArray(String[]::new));
        assertEquals(2, r.exit(), r.err());
        JsonNode results = Json.MAPPER.readTree(r.out()).get("results");
        assertEquals(CORPUS.size() + 2, results.size());

        Map<String, String> nixVerdicts = new LinkedHashMap<>();
        int i = 0;
        for (var e : CORPUS.entrySet()) {
            String attr = e.getKey(), drv = drvs.get(attr);
            var check = nix.nixBuild(List.of("--check"), List.of(drv));
            String nixVerdict = switch (check.exit()) {
                case 0 -> "reproducible";
                case 104 -> "diverged";
                default -> "inconclusive";
            };
            nixVerdicts.put(attr, nixVerdict);
            assertEquals(e.getValue().name().toLowerCase(), nixVerdict,
                    "the corpus entry " + attr + " does not behave as declared under nix-build --check: " + check.stderr());
            JsonNode ours = results.get(i++);
            assertEquals(drv, ours.get("drv").asText());
            assertEquals(nixVerdict, ours.get("verdict").asText(), attr + ": " + ours);
            switch (e.getValue()) {
                case REPRODUCIBLE -> {
                    for (String out : nix.outputs(drv)) {
                        JsonNode o = outputByPath(ours, out);
                        assertEquals(nix.narHash(out), o.get("recorded").asText(), attr);
                        assertEquals(o.get("recorded").asText(), o.get("rebuilt").get(0).asText(), attr);
                    }
                }
                case DIVERGED -> {
                    int named = 0;
                    for (JsonNode o : ours.get("outputs")) {
                        boolean same = o.get("recorded").asText().equals(o.get("rebuilt").get(0).asText());
                        assertEquals(same, o.get("differingFiles").isEmpty(), attr + ": " + o);
                        named += o.get("differingFiles").size();
                    }
                    assertTrue(named > 0, attr + " names no differing file: " + ours);
                    // Nix names the output that differs; so do we.
                    for (String out : nix.outputs(drv)) {
                        boolean nixSaysDiffers = check.stderr().contains("output '" + nix.physical(out) + "' differs")
                                || check.stderr().contains("output '" + out + "' differs");
                        if (nixSaysDiffers) assertFalse(outputByPath(ours, out).get("differingFiles").isEmpty(), attr + " " + out);
                    }
                }
                case INCONCLUSIVE -> assertFalse(ours.get("reason").asText("").isBlank(), attr + ": " + ours);
            }
        }

        // Only one of the two outputs differs, and it is named with its file.
        JsonNode one = results.get(new ArrayList<>(CORPUS.keySet()).indexOf("oneOutputDiffers"));
        assertEquals(List.of("/noise: content differs"), texts(one.get("outputs").get("dev").get("differingFiles")));
        assertTrue(one.get("outputs").get("out").get("differingFiles").isEmpty());
        assertTrue(one.get("reason").asText().contains("dev"), one.toString());
        assertFalse(one.get("reason").asText().contains("out,"), one.toString());
        // Failures say why.
        assertTrue(reason(results, "fails").contains("exit 3"), reason(results, "fails"));
        assertTrue(reason(results, "noOutput").contains("failed to produce output path"), reason(results, "noOutput"));
        assertTrue(reason(results, "wrongHash").contains("hash mismatch"), reason(results, "wrongHash"));
        assertTrue(reason(results, "neverBuilt").contains("not built yet"), reason(results, "neverBuilt"));
        assertTrue(reason(results, "missingInput").contains("missing inputs"), reason(results, "missingInput"));
        // Bad input in the same batch: inconclusive, and the rest of the batch ran.
        JsonNode u = results.get(CORPUS.size()), b = results.get(CORPUS.size() + 1);
        assertEquals("inconclusive", u.get("verdict").asText());
        assertTrue(u.get("reason").asText().contains("unknown path"), u.toString());
        assertEquals("inconclusive", b.get("verdict").asText());
        assertTrue(b.get("reason").asText().contains("no deriver"), b.toString());
        JsonNode s = Json.MAPPER.readTree(r.out()).get("summary");
        assertEquals(10, s.get("reproducible").asInt(), nixVerdicts.toString());
        assertEquals(5, s.get("diverged").asInt(), nixVerdicts.toString());
        assertEquals(7, s.get("inconclusive").asInt(), nixVerdicts.toString());
    }

    /**
     * Derivations that embed the build directory, the host name or the CPU count are reproducible in
     * Nix's sandbox (nix-build --check agrees, and so does our {@code --vary none}), and {@code --vary
     * standard} catches each and names the variation that causes it.
     */
    @Test
    void rebuildCheckWithVaryStandard_catchesWhatNixsSandboxHides_andNamesTheVariation() throws Exception {
        requireTools();
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("embedsBuildDir", "build-dir");
        expected.put("embedsHostname", "hostname");
        if (Runtime.getRuntime().availableProcessors() > 1) expected.put("embedsCpuCount", "cpus");
        NixCorpus nix = new NixCorpus(tmp);
        Map<String, String> drvs = nix.instantiate(new ArrayList<>(expected.keySet()));
        var built = nix.nixBuild(List.of(), new ArrayList<>(drvs.values()));
        assertEquals(0, built.exit(), built.stderr());
        for (String drv : drvs.values()) {
            var check = nix.nixBuild(List.of("--check"), List.of(drv));
            assertEquals(0, check.exit(), drv + " is not reproducible under nix-build --check: " + check.stderr());
        }
        CliRunner audit = new CliRunner(tmp.resolve("state"));
        assertEquals(0, audit.run("init", "--attach-nix=" + nix.root()).exit());
        List<String> none = new ArrayList<>(List.of("rebuild", "--check", "--vary", "none"));
        none.addAll(drvs.values());
        CliRunner.Result same = audit.run(none.toArray(String[]::new));
        assertEquals(0, same.exit(), same.out() + same.err());

        List<String> varied = new ArrayList<>(List.of("rebuild", "--check", "--vary", "standard", "--json"));
        varied.addAll(drvs.values());
        CliRunner.Result r = audit.run(varied.toArray(String[]::new));
        assertEquals(2, r.exit(), r.err());
        JsonNode results = Json.MAPPER.readTree(r.out()).get("results");
        int i = 0;
        for (var e : expected.entrySet()) {
            JsonNode res = results.get(i++);
            assertEquals(drvs.get(e.getKey()), res.get("drv").asText());
            assertEquals("diverged", res.get("verdict").asText(), e.getKey() + ": " + res);
            assertEquals(List.of(e.getValue()), texts(res.get("cause")), e.getKey() + ": " + res);
            assertTrue(res.get("reason").asText().contains("caused by: " + e.getValue()), res.toString());
        }
    }

    private static void requireTools() {
        ExternalTools.require("nix-build");
        ExternalTools.require("nix-instantiate");
        ExternalTools.require("bwrap");
        ExternalTools.require("/usr/bin/busybox");
    }

    private static JsonNode outputByPath(JsonNode result, String path) {
        for (JsonNode o : result.get("outputs")) if (o.get("path").asText().equals(path)) return o;
        throw new AssertionError("no output " + path + " in " + result);
    }

    private String reason(JsonNode results, String attr) {
        return results.get(new ArrayList<>(CORPUS.keySet()).indexOf(attr)).get("reason").asText();
    }

    private static List<String> texts(JsonNode arr) {
        List<String> l = new ArrayList<>();
        arr.forEach(n -> l.add(n.asText()));
        return l;
    }
}
