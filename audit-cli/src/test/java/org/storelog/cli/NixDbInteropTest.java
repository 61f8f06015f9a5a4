package org.storelog.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.app.Store;
import org.storelog.domain.hash.Hash;
import org.storelog.projection.StoreView;
import org.storelog.testsupport.ExternalTools;

/**
 * Attaches to the machine's real Nix store after building a few derivations with Nix, imports
 * its db.sqlite, and checks that every query answer equals {@code nix-store -q} for every path.
 */
class NixDbInteropTest {
    @TempDir static Path tmp;
    static CliRunner cli;
    static List<String> allPaths;

    @BeforeAll
    static void buildWithNixAndAttach() throws Exception {
        ExternalTools.require("nix-build");
        Path nix = Path.of(NixDbInteropTest.class.getResource("/nix/graph.nix").toURI());
        String top = ExternalTools.run(List.of("nix-build", "--option", "sandbox", "true", "--no-out-link",
                nix.toString(), "-A", "top"), null, java.util.Map.of(), null).ok().out().trim();
        String topDrv = ExternalTools.run(List.of("nix-instantiate", nix.toString(), "-A", "top")).ok().out().trim();
        cli = new CliRunner(tmp.resolve("state"));
        var init = cli.run("init", "--attach-nix");
        assertEquals(0, init.exit(), init.err());
        // Every path the test's derivations brought into the store: outputs and .drv files with their
        // closures (the shared store may hold thousands of unrelated paths).
        allPaths = new ArrayList<>(new java.util.TreeSet<>(Arrays.asList(ExternalTools.run(
                List.of("nix-store", "-qR", top, topDrv)).ok().out().split("\n"))));
        assertTrue(allPaths.size() >= 8, "expected the test derivations in the store: " + allPaths);
    }

    private static List<String> nixQ(String flag, String path) {
        var r = ExternalTools.run(List.of("nix-store", "-q", flag, path)).ok();
        return r.out().isEmpty() ? List.of() : Arrays.asList(r.out().split("\n"));
    }

    /** The library answers the CLI prints, checked for every path of the test derivations against nix-store -q. */
    @Test
    void everyQueryMatchesNixStoreQ_forEveryPath() {
        try (Store store = Store.open(tmp.resolve("state"), false)) {
            StoreView view = store.view();
            for (String p : allPaths) {
                assertEquals(nixQ("--references", p).stream().sorted().toList(), view.references(p), "references of " + p);
                assertEquals(nixQ("--referrers", p).stream().sorted().toList(), view.referrers(p), "referrers of " + p);
                assertEquals(nixQ("--requisites", p), view.requisites(List.of(p)), "requisites of " + p);
                assertEquals(nixQ("--referrers-closure", p), view.referrersClosure(List.of(p)), "referrers-closure of " + p);
                assertEquals(nixQ("--deriver", p).get(0), view.deriver(p).orElse("unknown-deriver"), "deriver of " + p);
                var info = view.info(p).orElseThrow();
                assertEquals(Hash.parse(nixQ("--hash", p).get(0)), Hash.parse(info.narHash()), "hash of " + p);
                assertEquals(Long.parseLong(nixQ("--size", p).get(0)), info.narSize(), "size of " + p);
            }
        }
    }

    @Test
    void cliPrintsWhatNixStoreQPrints() {
        List<String> sample = allPaths.stream().filter(p -> p.contains("-top") || p.contains("-multi")).toList();
        assertFalse(sample.isEmpty());
        for (String p : sample) {
            for (String[] q : new String[][] {{"--references", "references"}, {"--referrers", "referrers"},
                    {"--requisites", "requisites"}, {"--referrers-closure", "referrers-closure"},
                    {"--deriver", "deriver"}}) {
                var ours = cli.run("query", q[1], p);
                assertEquals(0, ours.exit(), ours.err());
                List<String> expected = nixQ(q[0], p);
                if (q[1].startsWith("refer") && !q[1].endsWith("closure")) expected = expected.stream().sorted().toList();
                assertEquals(expected, ours.lines(), q[1] + " of " + p);
            }
            var info = cli.run("query", "info", "--json", p);
            assertEquals(0, info.exit(), info.err());
            assertTrue(info.out().contains("\"narHash\":\"" + Hash.parse(nixQ("--hash", p).get(0)).toSri() + "\""), info.out());
            assertTrue(info.out().contains("\"narSize\":" + nixQ("--size", p).get(0) + ","), info.out());
        }
    }

    @Test
    void validity_validPathsPrintedAndExit1ForInvalid() {
        String bogus = "/nix/store/00000000000000000000000000000000-not-there";
        var r = cli.run("query", "valid", allPaths.get(0), bogus);
        assertEquals(1, r.exit());
        assertEquals(List.of(allPaths.get(0)), r.lines());
        assertEquals(0, cli.run(concat("query", "valid", allPaths)).exit());
    }

    private static String[] concat(String a, String b, List<String> rest) {
        List<String> all = new ArrayList<>(List.of(a, b));
        all.addAll(rest);
        return all.toArray(String[]::new);
    }

    @Test
    void outputsOfDerivation_matchNix() throws Exception {
        for (String p : allPaths) {
            if (!p.endsWith(".drv") || !Files.exists(Path.of(p))) continue;
            var ours = cli.run("query", "outputs", p);
            if (ours.exit() != 0) continue; // derivations Nix never built have no DerivationOutputs rows
            assertEquals(nixQ("--outputs", p).stream().sorted().toList(), ours.lines().stream().sorted().toList(), p);
        }
    }

    @Test
    void reimport_recordsNothingWhenNothingChanged() {
        var r = cli.run("import");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains(" 0 registered, 0 deleted"), r.err());
    }
}
