package org.storelog.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.app.Store;
import org.storelog.projection.RegisteredPath;
import org.storelog.testsupport.ExternalTools;

/**
 * {@code audit add} and {@code audit build} against the real Nix: derivations instantiated by
 * nix-instantiate from {@code nix/build.nix} (static busybox builder) are built in a store whose
 * logical directory is /nix/store and whose files live in a temporary root; output paths, NAR hashes
 * and references must equal those of {@code nix-build --option sandbox true}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BuildInteropTest {
    static final List<String> DETERMINISTIC =
            List.of("single", "tree", "leaf", "runtimeRef", "selfRef", "multi", "fixedFlat", "fixedRec", "manyFiles", "big");

    @TempDir static Path tmp;
    Path state;
    CliRunner audit;
    Path nixFile;
    String busybox;
    Map<String, String> drvs = new LinkedHashMap<>();

    @BeforeAll
    void setUp() throws Exception {
        ExternalTools.require("nix-instantiate");
        ExternalTools.require("nix-build");
        ExternalTools.require("bwrap");
        state = tmp.resolve("state");
        audit = new CliRunner(state);
        assertEquals(0, audit.run("init", "--root", tmp.resolve("root").toString()).exit());
        Path bbDir = Files.createDirectories(tmp.resolve("src/busybox-static"));
        Files.copy(Path.of("/usr/bin/busybox"), bbDir.resolve("busybox"));
        CliRunner.Result add = audit.run("add", bbDir.toString());
        assertEquals(0, add.exit(), add.err());
        busybox = add.out().strip();

        nixFile = tmp.resolve("build.nix");
        try (var in = getClass().getResourceAsStream("/nix/build.nix")) {
            Files.write(nixFile, in.readAllBytes());
        }
        Path fixed = Files.writeString(tmp.resolve("fixed"), "fixed\n");
        String flatHash = nix("nix-hash", "--flat", "--type", "sha256", "--base32", fixed.toString());
        String recHash = nix("nix-hash", "--type", "sha256", "--base32", fixed.toString());
        List<String> cmd = new ArrayList<>(List.of("nix-instantiate", nixFile.toString(), "--argstr", "flatHash", flatHash,
                "--argstr", "recHash", recHash, "--argstr", "stateDir", state.toString()));
        List<String> attrs = new ArrayList<>(DETERMINISTIC);
        attrs.addAll(List.of("wrongHash", "fails", "noOutput", "peek", "otherSystem", "builderOutside", "missingInput"));
        for (String a : attrs) cmd.addAll(List.of("-A", a));
        String[] paths = nix(cmd.toArray(String[]::new)).split("\n");
        assertEquals(attrs.size(), paths.length);
        for (int i = 0; i < paths.length; i++) drvs.put(attrs.get(i), paths[i]);
    }

    static String nix(String... cmd) {
        var r = ExternalTools.run(List.of(cmd), null, Map.of(), null);
        assertEquals(0, r.exit(), String.join(" ", cmd) + ": " + r.stderr());
        return r.out().strip();
    }

    @Test
    void add_givesTheSamePathAsNixStoreAdd_andAddingAgainIsANoOp() throws Exception {
        Path dir = tmp.resolve("src/busybox-static");
        assertEquals(nix("nix-store", "--add", dir.toString()), busybox);
        long before = lastSequence();
        CliRunner.Result again = audit.run("add", dir.toString());
        assertEquals(0, again.exit(), again.err());
        assertEquals(busybox + "\n", again.out());
        assertEquals(before, lastSequence());
        RegisteredPath info = info(busybox);
        assertEquals(List.of(), info.references());
        assertEquals("fixed:r:" + info.narHash(), info.ca());
        assertEquals(nix("nix-store", "-q", "--hash", busybox), info.narHash());
    }

    @Test
    void build_outputsEqualNixBuildsWithTheSandbox() throws Exception {
        List<String> args = new ArrayList<>(List.of("build", "--jobs", "2"));
        for (String a : DETERMINISTIC) args.add(drvs.get(a));
        CliRunner.Result r = audit.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());

        List<String> nixBuild = new ArrayList<>(List.of("nix-build", "--no-out-link", "--option", "sandbox", "true",
                "--option", "substitute", "false"));
        for (String a : DETERMINISTIC) nixBuild.add(drvs.get(a));
        nix(nixBuild.toArray(String[]::new));

        TreeSet<String> printed = new TreeSet<>(r.lines());
        TreeSet<String> expectedOutputs = new TreeSet<>();
        for (String a : DETERMINISTIC) {
            for (String out : nix("nix-store", "-q", "--outputs", drvs.get(a)).split("\n")) {
                expectedOutputs.add(out);
                RegisteredPath ours = info(out);
                assertEquals(nix("nix-store", "-q", "--hash", out), ours.narHash(), a + " " + out);
                String refs = nix("nix-store", "-q", "--references", out);
                assertEquals(new TreeSet<>(refs.isEmpty() ? List.of() : List.of(refs.split("\n"))),
                        new TreeSet<>(ours.references()), "references of " + a + " " + out);
                assertEquals(drvPathInOurStore(a), ours.deriver());
            }
        }
        assertEquals(expectedOutputs, printed);
        // self-reference, outputs referring to each other, runtime reference
        String self = nix("nix-store", "-q", "--outputs", drvs.get("selfRef"));
        assertTrue(info(self).references().contains(self));
        // executables stay executable, timestamps are Nix's
        Path run = physical(nix("nix-store", "-q", "--outputs", drvs.get("tree"))).resolve("bin/run");
        assertEquals(0555, (Integer) Files.getAttribute(run, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
        assertEquals(1000L, Files.getLastModifiedTime(run).toMillis());

        // building again builds nothing and prints the same paths
        long seq = lastSequence();
        CliRunner.Result again = audit.run(args.toArray(String[]::new));
        assertEquals(0, again.exit(), again.err());
        assertEquals(printed, new TreeSet<>(again.lines()));
        assertEquals(seq, lastSequence());
    }

    @Test
    void fixedOutput_withWrongHash_failsShowingBothHashes_andRegistersNothing() throws Exception {
        CliRunner.Result r = audit.run("build", drvs.get("wrongHash"));
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("hash mismatch in fixed-output derivation"), r.err());
        assertTrue(r.err().contains("specified: sha256-") && r.err().contains("got:    sha256-"), r.err());
        String out = nix("nix-store", "-q", "--outputs", drvs.get("wrongHash"));
        try (Store s = Store.open(state, false)) {
            assertFalse(s.view().isValid(out));
            var last = s.view().lastBuild(drvPathInOurStore("wrongHash")).orElseThrow();
            assertFalse(last.succeeded());
            assertTrue(last.reason().contains("hash mismatch"));
        }
    }

    @Test
    void failingBuilder_isRecorded_logIsKept_andKeepFailedSaysWhere() throws Exception {
        CliRunner.Result r = audit.run("build", "--keep-failed", drvs.get("fails"));
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("failed: exit 3"), r.err());
        assertTrue(r.err().contains("> about to fail"), r.err());
        assertTrue(r.err().contains("note: keeping build directory '"), r.err());
        String kept = r.err().replaceAll("(?s).*keeping build directory '([^']*)'.*", "$1");
        assertTrue(Files.isDirectory(Path.of(kept)), kept);
        CliRunner.Result log = audit.run("build-log", drvPathInOurStore("fails"));
        assertEquals(0, log.exit(), log.err());
        assertEquals("about to fail\n", log.out());
    }

    @Test
    void builderThatCreatesNoOutput_fails() {
        CliRunner.Result r = audit.run("build", drvs.get("noOutput"));
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("failed to produce output path for output 'out'"), r.err());
    }

    @Test
    void builder_cannotSeeTheStateDirectory() throws Exception {
        CliRunner.Result r = audit.run("build", drvs.get("peek"));
        assertEquals(0, r.exit(), r.err());
        assertEquals("hidden\n", Files.readString(physical(r.out().strip())));
    }

    @Test
    void badInput_isAClearError_andNothingIsRegistered() throws Exception {
        Path garbage = Files.writeString(tmp.resolve("broken.drv"), "Derive([(\"out\",");
        long seq = lastSequence();
        CliRunner.Result malformed = audit.run("build", garbage.toString());
        assertEquals(64, malformed.exit(), malformed.err());
        assertTrue(malformed.err().contains("broken.drv"), malformed.err());

        CliRunner.Result system = audit.run("build", drvs.get("otherSystem"));
        assertEquals(1, system.exit());
        assertTrue(system.err().contains("a 'riscv64-plan9' is required to build"), system.err());

        CliRunner.Result outside = audit.run("build", drvs.get("builderOutside"));
        assertEquals(1, outside.exit());
        assertTrue(outside.err().contains("is not in its input closure"), outside.err());

        CliRunner.Result missing = audit.run("build", drvs.get("missingInput"));
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("input sources not valid in this store") && missing.err().contains("extra-src"),
                missing.err());
        assertEquals(seq, lastSequence());
    }

    // --- helpers

    String drvPathInOurStore(String attr) { return drvs.get(attr); }

    Path physical(String logical) throws Exception {
        try (Store s = Store.open(state, false)) {
            return s.config().physical(logical);
        }
    }

    RegisteredPath info(String path) {
        try (Store s = Store.open(state, false)) {
            return s.view().info(path).orElseThrow(() -> new AssertionError(path + " is not valid in our store"));
        }
    }

    long lastSequence() {
        try (Store s = Store.open(state, false)) {
            return s.log().lastSequence();
        }
    }
}
