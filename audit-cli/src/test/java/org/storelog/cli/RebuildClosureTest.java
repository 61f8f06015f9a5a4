package org.storelog.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.testsupport.ExternalTools;

/**
 * {@code audit rebuild --check --closure}, {@code --jobs} and {@code --diff} on a standalone store,
 * with busybox derivations made by {@code audit drv create}.
 */
class RebuildClosureTest {
    @TempDir Path tmp;

    CliRunner standalone() throws Exception {
        ExternalTools.require("bwrap");
        ExternalTools.require("/usr/bin/busybox");
        return StandaloneFixture.standalone(tmp);
    }

    /** A derivation running {@code script} with {@code inputs} as input derivations (their {@code out}). */
    static String drv(CliRunner audit, String bb, String name, String script, String... inputs) {
        List<String> args = new ArrayList<>(List.of("drv", "create", "--name", name, "--builder", bb + "/busybox",
                "--arg", "sh", "--arg", "-ec", "--arg", script, "--env", "PATH=" + bb));
        for (String in : inputs) args.addAll(List.of("--input-drv", in));
        CliRunner.Result r = audit.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        return r.out().strip();
    }

    static String out(CliRunner audit, String drv) { return audit.run("query", "outputs", drv).out().strip(); }

    static JsonNode json(CliRunner.Result r) throws Exception { return Json.MAPPER.readTree(r.out()); }

    /** a ← b, a ← c (a diamond), b, c ← d, d ← e (a chain): five derivations, e on top. */
    record Graph(String a, String b, String c, String d, String e, String eOut) {
        List<String> all() { return List.of(a, b, c, d, e); }
    }

    Graph graph(CliRunner audit, String bb, String extraScriptForA, String... extraInputsOfA) {
        String a = drv(audit, bb, "a", "echo a > $out" + extraScriptForA, extraInputsOfA);
        String aOut = out(audit, a);
        String b = drv(audit, bb, "b", "{ busybox cat " + aOut + "; echo b; } > $out", a);
        String c = drv(audit, bb, "c", "{ busybox cat " + aOut + "; echo c; } > $out", a);
        String bOut = out(audit, b), cOut = out(audit, c);
        String d = drv(audit, bb, "d", "busybox cat " + bOut + " " + cOut + " > $out", b, c);
        String e = drv(audit, bb, "e", "{ busybox cat " + out(audit, d) + "; echo e; } > $out", d);
        CliRunner.Result built = audit.run("build", e);
        assertEquals(0, built.exit(), built.err());
        return new Graph(a, b, c, d, e, built.out().strip());
    }

    /** Order of the derivations in the log's RebuildCompared events, oldest first. */
    static List<String> checkedInLogOrder(CliRunner audit) {
        CliRunner.Result t = audit.run("log", "tail", "-n", "1000");
        assertEquals(0, t.exit(), t.err());
        List<String> order = new ArrayList<>();
        for (String line : t.out().lines().toList())
            if (line.contains("RebuildCompared")) {
                String[] cols = line.strip().split("\\s+");
                order.add(cols[cols.length - 1]);
            }
        return order;
    }

    static void assertInputsFirst(Graph g, List<String> order) {
        assertEquals(5, order.size(), order.toString());
        assertEquals(5, new HashSet<>(order).size(), "each once: " + order);
        assertTrue(order.indexOf(g.a()) < order.indexOf(g.b()), order.toString());
        assertTrue(order.indexOf(g.a()) < order.indexOf(g.c()), order.toString());
        assertTrue(order.indexOf(g.b()) < order.indexOf(g.d()), order.toString());
        assertTrue(order.indexOf(g.c()) < order.indexOf(g.d()), order.toString());
        assertTrue(order.indexOf(g.d()) < order.indexOf(g.e()), order.toString());
    }

    static List<String> drvs(JsonNode results) {
        List<String> l = new ArrayList<>();
        results.forEach(r -> l.add(r.get("drv").asText()));
        return l;
    }

    @Test
    void closureOfAnOutputPath_checksEveryDerivationOnce_inputsFirst_andTwoJobsGiveTheSameVerdicts() throws Exception {
        CliRunner audit = standalone();
        String bb = StandaloneFixture.busybox(audit, tmp);
        Graph g = graph(audit, bb, "");

        CliRunner.Result one = audit.run("rebuild", "--check", "--closure", "--json", g.eOut());
        assertEquals(0, one.exit(), one.out() + one.err());
        JsonNode r1 = json(one).get("results");
        assertInputsFirst(g, drvs(r1));
        assertEquals(Set.copyOf(g.all()), Set.copyOf(drvs(r1)));
        r1.forEach(r -> assertEquals("reproducible", r.get("verdict").asText(), r.toString()));
        assertEquals(5, json(one).get("summary").get("analyzed").asInt());
        assertInputsFirst(g, checkedInLogOrder(audit));

        // the same closure named twice (through the .drv and an output), with two jobs
        CliRunner.Result two = audit.run("rebuild", "--check", "--closure", "--jobs", "2", "--json", g.e(), g.eOut(), g.d());
        assertEquals(0, two.exit(), two.out() + two.err());
        JsonNode r2 = json(two).get("results");
        assertEquals(5, r2.size(), r2.toString());
        for (int i = 0; i < 5; i++) {
            int j = drvs(r1).indexOf(r2.get(i).get("drv").asText());
            assertEquals(r1.get(j).get("verdict"), r2.get(i).get("verdict"));
            assertEquals(r1.get(j).get("outputs"), r2.get(i).get("outputs"));
        }
        List<String> log = checkedInLogOrder(audit);
        assertInputsFirst(g, log.subList(5, log.size()));
        assertTrue(two.err().contains("5 store items were analyzed: 5 identical, 0 differed, 0 inconclusive"), two.err());
        // --jobs on a plain batch: results in argument order, nothing added from the closure
        CliRunner.Result batch = audit.run("rebuild", "--check", "--jobs", "2", "--json", g.e(), g.a(), g.c());
        assertEquals(0, batch.exit(), batch.err());
        assertEquals(List.of(g.e(), g.a(), g.c()), drvs(json(batch).get("results")));
    }

    @Test
    void inputThatFailsToRebuild_doesNotStopTheRest_whoseInputsAreValidInTheStore() throws Exception {
        CliRunner audit = standalone();
        String bb = StandaloneFixture.busybox(audit, tmp);
        Path flagDir = Files.createDirectories(tmp.resolve("src/flag"));
        Files.writeString(flagDir.resolve("ok"), "yes\n");
        String flag = audit.run("add", flagDir.toString()).out().strip();
        // f builds only while the flag file exists (an input source of f)
        CliRunner.Result fr = audit.run("drv", "create", "--name", "needs-flag", "--builder", bb + "/busybox",
                "--arg", "sh", "--arg", "-ec", "--arg", "busybox test -e " + flag + "/ok; echo f > $out",
                "--env", "PATH=" + bb, "--input-src", flag);
        assertEquals(0, fr.exit(), fr.err());
        String f = fr.out().strip();
        Graph g = graph(audit, bb, "; busybox cat " + out(audit, f) + " >> $out", f);

        // the store keeps f's output, but its rebuild now fails: the flag is gone from the store's files
        Path physicalFlag = tmp.resolve("root").resolve(flag.substring(1));
        physicalFlag.toFile().setWritable(true);
        Files.delete(physicalFlag.resolve("ok"));

        CliRunner.Result r = audit.run("rebuild", "--check", "--closure", "--jobs", "2", "--json", g.eOut());
        assertEquals(1, r.exit(), r.out() + r.err());
        JsonNode results = json(r).get("results");
        assertEquals(6, results.size(), results.toString());
        for (JsonNode x : results) {
            String verdict = x.get("verdict").asText();
            if (x.get("drv").asText().equals(f)) {
                assertEquals("inconclusive", verdict);
                assertTrue(x.get("reason").asText().contains("build failed"), x.toString());
            } else {
                assertEquals("reproducible", verdict, x.toString());
            }
        }
        assertEquals(f, results.get(0).get("drv").asText(), "the failing input comes first");
        assertTrue(r.err().contains("6 store items were analyzed: 5 identical, 0 differed, 1 inconclusive"), r.err());
    }

    @Test
    void diffSimple_showsAUnifiedDiffForText_andSizesAndHashesForBinary_andSymlinkTargetsPlainly_andKeepFailedKeepsTheRebuiltOutput() throws Exception {
        CliRunner audit = standalone();
        String bb = StandaloneFixture.busybox(audit, tmp);
        String d = drv(audit, bb, "stamped", String.join("\n",
                "mkdir $out",
                "echo 'line one' > $out/stamp.txt",
                "date +%s%N >> $out/stamp.txt",
                "busybox od -An -tx1 -N8 /dev/urandom >> $out/stamp.txt",
                "echo 'line four' >> $out/stamp.txt",
                "printf '\\000' > $out/noise.bin",
                "busybox head -c 32 /dev/urandom >> $out/noise.bin",
                "echo same > $out/same.txt",
                "busybox ln -s target-$(busybox od -An -tx1 -N4 /dev/urandom | busybox tr -d ' \\n') $out/link"));
        CliRunner.Result b = audit.run("build", d);
        assertEquals(0, b.exit(), b.err());

        CliRunner.Result r = audit.run("rebuild", "--check", "--diff", "simple", "--keep-failed", d);
        assertEquals(2, r.exit(), r.out() + r.err());
        String o = r.out();
        String kept = o.lines().filter(l -> l.contains("keeping work directory")).findFirst().orElseThrow(() -> new AssertionError(o));
        Path keptDir = Path.of(kept.substring(kept.indexOf('\'') + 1, kept.lastIndexOf('\'')));
        try (var files = Files.walk(keptDir)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().equals("noise.bin")), "the rebuilt output is kept: " + keptDir);
        }
        assertTrue(o.contains("--- text diff of /stamp.txt:"), o);
        assertTrue(o.contains("--- recorded/stamp.txt"), o);
        assertTrue(o.contains("+++ rebuilt/stamp.txt"), o);
        assertTrue(o.contains("       line one"), o); // context line, indented, with the diff's leading space
        assertTrue(o.lines().anyMatch(l -> l.startsWith("      -") && !l.startsWith("      ---")), o);
        assertTrue(o.lines().anyMatch(l -> l.startsWith("      +") && !l.startsWith("      +++")), o);
        assertTrue(o.matches("(?s).*binary /noise\\.bin: 33 bytes sha256:[0-9a-f]{64} → 33 bytes sha256:[0-9a-f]{64}.*"), o);
        assertTrue(o.contains("symlink /link: target-"), o);
        assertFalse(o.contains("/same.txt"), o);

        CliRunner.Result j = audit.run("rebuild", "--check", "--diff", "simple", "--json", d);
        assertEquals(2, j.exit(), j.err());
        JsonNode out = json(j).get("results").get(0).get("outputs").get("out");
        assertTrue(out.get("differingFiles").size() >= 3, out.toString()); // the DESIGN fields stay
        JsonNode text = null, binary = null;
        for (JsonNode x : out.get("diffs")) {
            if (x.get("file").asText().equals("/stamp.txt")) text = x;
            if (x.get("file").asText().equals("/noise.bin")) binary = x;
        }
        assertNotNull(text, out.toString());
        assertEquals("text", text.get("kind").asText());
        assertTrue(text.get("diff").asText().contains("@@"), text.toString());
        assertNotNull(binary, out.toString());
        assertEquals("binary", binary.get("kind").asText());
        assertEquals(33, binary.get("sizes").get(0).asInt());
        assertEquals(33, binary.get("sizes").get(1).asInt());
        assertNotEquals(binary.get("hashes").get(0), binary.get("hashes").get(1));
    }

    @Test
    void diffoscopeMissing_printsHowToInstallIt_andStillExitsWithTheVerdictsCode() throws Exception {
        String path = System.getenv("PATH");
        for (String dir : path == null ? new String[0] : path.split(File.pathSeparator))
            Assumptions.assumeFalse(!dir.isEmpty() && Files.isExecutable(Path.of(dir, "diffoscope")), "diffoscope is installed");
        CliRunner audit = standalone();
        String bb = StandaloneFixture.busybox(audit, tmp);
        String d = drv(audit, bb, "noisy", "mkdir $out; busybox od -An -tx1 -N8 /dev/urandom > $out/noise.txt");
        assertEquals(0, audit.run("build", d).exit());

        CliRunner.Result r = audit.run("rebuild", "--check", "--diff", "diffoscope", d);
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("apt install diffoscope"), r.err());
        assertTrue(r.err().contains("pip install diffoscope"), r.err());
        assertTrue(r.out().contains(d + ": diverged"), r.out());
        assertTrue(r.out().contains("--- text diff of /noise.txt:"), r.out());
    }

    @Test
    void badDiffMode_andZeroJobs_areUsageErrors() throws Exception {
        CliRunner audit = standalone();
        CliRunner.Result r = audit.run("rebuild", "--check", "--diff", "fancy", "/nix/store/00000000000000000000000000000000-x");
        assertEquals(64, r.exit(), r.err());
        assertTrue(r.err().contains("none, simple or diffoscope"), r.err());
        assertEquals(64, audit.run("rebuild", "--check", "--jobs", "0", "/nix/store/00000000000000000000000000000000-x").exit());
    }
}
