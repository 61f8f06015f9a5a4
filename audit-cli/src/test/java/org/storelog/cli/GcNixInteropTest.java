package org.storelog.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.storelog.testsupport.ExternalTools;

/**
 * Builds the test graph with Nix into a separate store root, with a direct root (a result link
 * registered under gcroots/auto, i.e. an indirect root) and a direct gcroots symlink, attaches
 * storelog to it and compares dead and live sets with {@code nix-store --gc --print-dead/--print-live}
 * for each combination of keep-derivations and keep-outputs.
 */
class GcNixInteropTest {
    @TempDir static Path tmp;
    static Path nixRoot;
    static CliRunner cli;

    @BeforeAll
    static void buildAndAttach() throws Exception {
        ExternalTools.require("nix-build");
        nixRoot = tmp.resolve("nixroot");
        Path nix = Path.of(GcNixInteropTest.class.getResource("/nix/graph.nix").toURI());
        String store = "local?root=" + nixRoot;
        // indirect root: result link outside the gcroots tree, registered under auto/
        ExternalTools.run(List.of("nix-build", "--store", store, "--option", "sandbox", "true", "--out-link",
                tmp.resolve("result-mid").toString(), nix.toString(), "-A", "mid", "--argstr", "salt", "gc"),
                null, Map.of(), null).ok();
        // everything else built but only 'multi.dev' rooted directly
        String multi = ExternalTools.run(List.of("nix-build", "--store", store, "--option", "sandbox", "true",
                "--no-out-link", nix.toString(), "-A", "top", "--argstr", "salt", "gc"), null, Map.of(), null).ok().out().trim();
        String dev = ExternalTools.run(List.of("nix-build", "--store", store, "--option", "sandbox", "true",
                "--no-out-link", nix.toString(), "-A", "multi.dev", "--argstr", "salt", "gc"), null, Map.of(), null).ok().out().trim();
        assertFalse(multi.isEmpty());
        Path gcroots = nixRoot.resolve("nix/var/nix/gcroots");
        Files.createDirectories(gcroots.resolve("test"));
        Files.createSymbolicLink(gcroots.resolve("test/dev"), Path.of(dev));
        cli = new CliRunner(tmp.resolve("state"));
        var init = cli.run("init", "--attach-nix=" + nixRoot);
        assertEquals(0, init.exit(), init.err());
    }

    static Set<String> nixGc(String action, boolean keepDrv, boolean keepOut) {
        var r = ExternalTools.run(List.of("nix-store", "--store", "local?root=" + nixRoot, "--gc", action,
                "--option", "keep-derivations", String.valueOf(keepDrv), "--option", "keep-outputs", String.valueOf(keepOut)),
                null, Map.of(), null).ok();
        Set<String> out = new java.util.TreeSet<>();
        for (String l : r.out().split("\n")) if (!l.isBlank()) out.add(l.trim());
        return out;
    }

    @ParameterizedTest(name = "keep-derivations={0} keep-outputs={1}")
    @CsvSource({"true,false", "false,false", "true,true", "false,true"})
    void deadAndLiveSetsEqualNixs(boolean keepDrv, boolean keepOut) {
        List<String> flags = new ArrayList<>(List.of("gc", "--dry-run",
                keepDrv ? "--keep-derivations" : "--no-keep-derivations", keepOut ? "--keep-outputs" : "--no-keep-outputs"));
        var ours = cli.run(flags.toArray(String[]::new));
        assertEquals(0, ours.exit(), ours.err());
        Set<String> dead = new java.util.TreeSet<>(ours.lines());
        Set<String> nixDead = nixGc("--print-dead", keepDrv, keepOut);
        assertFalse(nixDead.isEmpty(), "the fixture should leave dead paths");
        assertEquals(nixDead, dead);
        Set<String> nixLive = nixGc("--print-live", keepDrv, keepOut);
        try (var store = org.storelog.app.Store.open(tmp.resolve("state"), false)) {
            Set<String> live = new java.util.TreeSet<>(store.view().validPaths());
            live.removeAll(dead);
            assertEquals(nixLive, live);
        }
    }

    @Test
    void nixRootsAreImportedIncludingIndirectOnes() {
        var r = cli.run("roots", "list");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("nix:" + tmp.resolve("result-mid") + " -> "), r.out());
        assertTrue(r.out().contains("gcroots/test/dev -> "), r.out());
    }

    @Test
    void deletingIsRefusedOnAnAttachedStore() {
        var r = cli.run("gc");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("attached"), r.err());
    }
}
