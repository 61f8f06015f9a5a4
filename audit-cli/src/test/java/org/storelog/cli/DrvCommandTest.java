package org.storelog.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code audit drv show|outputs|path} on golden .drv files written by nix-instantiate (from domain's test-jar). */
class DrvCommandTest {
    static final String APP = "dsp72pk9njdcar2ab5lbhj0zy2vm4g3d-golden-app.drv";
    static final String LIB = "0cj4nbyinnwp9jp93acfw639b7n8n6qs-golden-lib.drv";
    static final String FIXED = "wiwim42ydcmy8j2iwar09ls566rif8ah-golden-fixed-recursive-sha1.drv";
    static final String ESCAPES = "0i5k68rskzyzsqbs202agxrz4k76zhpc-golden-escapes.drv";

    @TempDir static Path dir;

    record Run(int exit, String out, String err) {}

    @BeforeAll
    static void copyGoldens() throws IOException {
        for (String f : List.of(APP, LIB, FIXED, ESCAPES)) {
            try (InputStream in = DrvCommandTest.class.getResourceAsStream("/golden/drv/" + f)) {
                assertNotNull(in, f);
                Files.write(dir.resolve(f), in.readAllBytes());
            }
        }
    }

    static Run audit(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = ExitCodes.commandLine(new Audit());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void outputs_computesEveryOutputFromInputsNextToTheFile() {
        Run r = audit("drv", "outputs", "--store-dir", "/nix/store", dir.resolve(APP).toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("bin /nix/store/6ag6b3bgjczi2fl5y2yr6jh50wwkim9w-golden-app-bin\n"
                + "out /nix/store/4gmvqqiammhh5w8in88kwk3bgikanhq3-golden-app\n", r.out());
    }

    @Test
    void outputs_whenFileStatesOtherPath_saysSoAndExits1() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("tampered"));
        String text = Files.readString(dir.resolve(LIB));
        // change the stated dev path's hash part only
        String tampered = text.replaceFirst("(\\(\"dev\",\"/nix/store/)(.)", "$1" + "0");
        if (tampered.equals(text)) tampered = text.replaceFirst("(\\(\"dev\",\"/nix/store/)(.)", "$1" + "1");
        Files.writeString(sub.resolve(LIB), tampered);
        Run r = audit("drv", "outputs", sub.resolve(LIB).toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("output 'dev' is stated as"), r.err());
        assertEquals(3, r.out().lines().count());
    }

    @Test
    void outputs_missingInputDrv_exits1() throws IOException {
        Path lonely = Files.createDirectories(dir.resolve("lonely"));
        Files.copy(dir.resolve(APP), lonely.resolve(APP));
        Run r = audit("drv", "outputs", "--store-dir", "/nonexistent/store", lonely.resolve(APP).toString());
        // the drv's paths are in /nix/store, so with another store dir it is malformed input
        assertEquals(64, r.exit(), r.err());
        Run r2 = audit("drv", "outputs", lonely.resolve(APP).toString());
        if (!Files.exists(Path.of("/nix/store/" + LIB))) {
            assertEquals(1, r2.exit(), r2.err());
            assertTrue(r2.err().contains("not found"), r2.err());
        } else {
            assertEquals(0, r2.exit(), r2.err());
        }
    }

    @Test
    void path_printsTheDrvsOwnStorePath() {
        Run r = audit("drv", "path", dir.resolve(FIXED).toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("/nix/store/" + FIXED + "\n", r.out());
    }

    @Test
    void malformedDrv_reportsFileLineColumn_andExits64() throws IOException {
        Path bad = dir.resolve("bad.drv");
        Files.writeString(bad, "Derive([(\"out\",\n\"x\")");
        Run r = audit("drv", "path", bad.toString());
        assertEquals(64, r.exit());
        assertTrue(r.err().contains(bad + ":1:16: expected '\"' but found a newline"), r.err());
    }

    @Test
    void missingFile_isUsageError() {
        Run r = audit("drv", "show", dir.resolve("nope.drv").toString());
        assertEquals(64, r.exit());
        assertTrue(r.err().contains("no such file"), r.err());
    }

    @Test
    void show_plain_summarisesOutputsInputsAndEscapedValues() {
        Run r = audit("drv", "show", dir.resolve(ESCAPES).toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("derivation /nix/store/" + ESCAPES + "\n"), r.out());
        assertTrue(r.out().contains("    out /nix/store/bdqy38rbm58zk53sb9xghg0jxj95bf9a-golden-escapes\n"), r.out());
        assertTrue(r.out().contains("quoted=\"say \\\"hi\\\" \\\\ back\\\\slash\\r\\nnext\\tline\""), r.out());
    }

    /** Compared with the {@code .json} sidecar that {@code nix show-derivation} printed for each golden file. */
    @Test
    void show_json_equalsNixShowDerivation() throws IOException {
        ObjectMapper m = new ObjectMapper();
        for (String f : List.of(APP, LIB, FIXED, ESCAPES)) {
            Run r = audit("drv", "show", "--json", dir.resolve(f).toString());
            assertEquals(0, r.exit(), r.err());
            JsonNode expected;
            try (InputStream in = DrvCommandTest.class.getResourceAsStream("/golden/drv/" + f + ".json")) {
                assertNotNull(in, f + ".json");
                expected = m.readTree(in);
            }
            assertEquals(expected, m.readTree(r.out()), f);
            assertEquals(List.of("outputs", "inputSrcs", "inputDrvs", "system", "builder", "args", "env"),
                    iterable(m.readTree(r.out()).get("/nix/store/" + f).fieldNames()), "key order as Nix prints");
        }
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> l = new java.util.ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    @Test
    void help_worksOnEverySubcommand() {
        for (String sub : List.of("show", "outputs", "path")) {
            Run r = audit("drv", sub, "--help");
            assertEquals(0, r.exit());
            assertTrue(r.out().contains("Usage: audit drv " + sub), r.out());
        }
    }
}
