package org.storelog.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.app.Store;
import org.storelog.domain.event.StoreEvent.Origin;
import org.storelog.testsupport.ExternalTools;

/**
 * {@code audit drv create} writes the very {@code .drv} that Nix's {@code derivation} builtin writes
 * for the same attributes (compared by store path, which covers every byte and reference), and
 * registers it as a text path with its outputs declared; {@code audit build} then builds it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DrvCreateInteropTest {
    @TempDir static Path tmp;
    CliRunner audit;
    Path state;
    String busybox;

    @BeforeAll
    void setUp() throws Exception {
        ExternalTools.require("nix-instantiate");
        state = tmp.resolve("state");
        audit = new CliRunner(state);
        assertEquals(0, audit.run("init", "--root", tmp.resolve("root").toString()).exit());
        Path bb = Files.createDirectories(tmp.resolve("src/busybox-static"));
        Files.copy(Path.of("/usr/bin/busybox"), bb.resolve("busybox"));
        busybox = audit.run("add", bb.toString()).out().strip();
    }

    static String instantiate(String expr) {
        var r = ExternalTools.run(List.of("nix-instantiate", "-E", expr), null, Map.of(), null);
        assertEquals(0, r.exit(), r.stderr());
        return r.out().strip();
    }

    static final String PRELUDE = "let busybox = builtins.path { path = /usr/bin; name = \"busybox-static\"; "
            + "filter = p: t: p == \"/usr/bin/busybox\"; }; in ";

    CliRunner.Result create(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "drv";
        all[1] = "create";
        System.arraycopy(args, 0, all, 2, args.length);
        return audit.run(all);
    }

    @Test
    void create_writesTheDrvNixWrites_andRegistersIt() throws Exception {
        String script = "busybox mkdir $out; echo hi > $out/f";
        String nix = instantiate(PRELUDE + "derivation { name = \"hello\"; system = builtins.currentSystem; "
                + "builder = \"${busybox}/busybox\"; args = [ \"sh\" \"-ec\" \"" + script.replace("$", "\\$") + "\" ]; "
                + "PATH = \"${busybox}\"; }");
        CliRunner.Result ours = create("--name", "hello", "--builder", busybox + "/busybox",
                "--arg", "sh", "--arg", "-ec", "--arg", script, "--env", "PATH=" + busybox);
        assertEquals(0, ours.exit(), ours.err());
        assertEquals(nix + "\n", ours.out());
        try (Store s = Store.open(state, false)) {
            var info = s.view().info(nix).orElseThrow();
            assertEquals(Origin.TEXT, info.origin());
            assertEquals(List.of(busybox), info.references());
            assertEquals(1, s.view().derivationOutputs(nix).size());
            assertArrayEquals(Files.readAllBytes(Path.of(nix)), Files.readAllBytes(s.config().physical(nix)));
        }
        CliRunner.Result again = create("--name", "hello", "--builder", busybox + "/busybox",
                "--arg", "sh", "--arg", "-ec", "--arg", script, "--env", "PATH=" + busybox);
        assertEquals(nix + "\n", again.out());
    }

    @Test
    void create_withInputDerivationAndSeveralOutputs_matchesNix() {
        String nix = instantiate(PRELUDE + "let lib = derivation { name = \"lib\"; system = builtins.currentSystem; "
                + "builder = \"${busybox}/busybox\"; args = [ \"sh\" \"-ec\" \"busybox mkdir $out $dev\" ]; "
                + "outputs = [ \"out\" \"dev\" ]; PATH = \"${busybox}\"; }; in "
                + "derivation { name = \"app\"; system = builtins.currentSystem; builder = \"${busybox}/busybox\"; "
                + "args = [ \"sh\" \"-ec\" \"echo ${lib.dev} > $out\" ]; }");
        CliRunner.Result lib = create("--name", "lib", "--builder", busybox + "/busybox", "--arg", "sh", "--arg", "-ec",
                "--arg", "busybox mkdir $out $dev", "--output", "out", "--output", "dev", "--env", "PATH=" + busybox);
        assertEquals(0, lib.exit(), lib.err());
        String libDrv = lib.out().strip();
        CliRunner.Result outs = audit.run("query", "outputs", libDrv);
        String dev = outs.lines().stream().filter(l -> l.endsWith("-lib-dev")).findFirst().orElseThrow();
        CliRunner.Result app = create("--name", "app", "--builder", busybox + "/busybox", "--arg", "sh", "--arg", "-ec",
                "--arg", "echo " + dev + " > $out", "--input-drv", libDrv + "!dev");
        assertEquals(0, app.exit(), app.err());
        assertEquals(nix + "\n", app.out());
    }

    @Test
    void create_fixedOutput_matchesNix() {
        String hash = "sha256:0j1xg2ybz2s1xw4x2j1s7g7i6v0b5xjc7fqy7wz1k9b6m9g9p2nl";
        String nix = instantiate(PRELUDE + "derivation { name = \"fixed\"; system = builtins.currentSystem; "
                + "builder = \"${busybox}/busybox\"; args = [ \"sh\" \"-ec\" \"echo > $out\" ]; outputHash = \"" + hash + "\"; "
                + "outputHashAlgo = \"sha256\"; outputHashMode = \"recursive\"; }");
        CliRunner.Result ours = create("--name", "fixed", "--builder", busybox + "/busybox", "--arg", "sh", "--arg", "-ec",
                "--arg", "echo > $out", "--fixed", hash, "--recursive");
        assertEquals(0, ours.exit(), ours.err());
        assertEquals(nix + "\n", ours.out());
    }

    @Test
    void create_withAnInvalidInput_failsAndRegistersNothing() {
        CliRunner.Result r = create("--name", "x", "--builder", busybox + "/busybox",
                "--input-src", "/nix/store/00000000000000000000000000000000-absent");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("input source /nix/store/00000000000000000000000000000000-absent is not valid"), r.err());
    }

    @Test
    void build_andBuildLog_ofACreatedDerivation() {
        CliRunner.Result d = create("--name", "greeting", "--builder", busybox + "/busybox", "--arg", "sh", "--arg", "-ec",
                "--arg", "echo building now; echo hello > $out");
        CliRunner.Result b = audit.run("build", d.out().strip());
        assertEquals(0, b.exit(), b.err());
        assertTrue(b.out().strip().endsWith("-greeting"));
        assertEquals("building now\n", audit.run("build-log", d.out().strip()).out());
        CliRunner.Result none = audit.run("build-log", busybox);
        assertEquals(1, none.exit());
    }
}
