package org.storelog.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.storelog.app.gc.GcFixture.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.app.Store;

class GcCommandTest {
    @TempDir Path dir;
    CliRunner cli;
    final String lib = path(11, "lib"), a = path(12, "a"), b = path(13, "b"), shared = path(14, "shared"), junk = path(15, "junk");

    @BeforeEach
    void populate() {
        try (Store s = create(dir)) {
            register(s, lib, 1000, List.of(), null);
            register(s, shared, 300, List.of(), null);
            register(s, a, 100, List.of(lib, shared), null);
            register(s, b, 10, List.of(shared), null);
            register(s, junk, 7, List.of(), null);
        }
        cli = new CliRunner(dir.resolve("state"));
    }

    @Test
    void rootsAddListRemove() {
        assertEquals(0, cli.run("roots", "add", "ra", a).exit());
        assertEquals(0, cli.run("roots", "add", "rb", b).exit());
        assertEquals(List.of("ra -> " + a, "rb -> " + b), cli.run("roots", "list").lines());
        assertEquals(0, cli.run("roots", "remove", "rb").exit());
        assertEquals(List.of("ra -> " + a), cli.run("roots", "list").lines());
        assertEquals(1, cli.run("roots", "remove", "nope").exit());
        assertEquals(1, cli.run("roots", "add", "x", path(99, "missing")).exit());
        assertEquals(64, cli.run("roots", "frob").exit());
    }

    @Test
    void dryRunPrintsDeadPathsAndGcDeletesThem() {
        cli.run("roots", "add", "ra", a);
        var dry = cli.run("gc", "--dry-run");
        assertEquals(0, dry.exit(), dry.err());
        assertEquals(List.of(b, junk), dry.lines().stream().sorted().toList());
        assertTrue(dry.err().contains("2 dead paths, 17 bytes"), dry.err());
        var gc = cli.run("gc");
        assertEquals(0, gc.exit(), gc.err());
        try (Store s = Store.open(dir.resolve("state"), false)) {
            assertFalse(s.view().isValid(b));
            assertFalse(Files.exists(s.config().physical(junk)));
            assertTrue(Files.exists(s.config().physical(shared)));
        }
        assertEquals(List.of(), cli.run("gc", "--dry-run").lines());
    }

    @Test
    void impactReportsClosureExclusiveWhatIfAndLargestDead() throws Exception {
        cli.run("roots", "add", "ra", a);
        cli.run("roots", "add", "rb", b);
        var r = cli.run("gc", "impact", "--json", "--remove-root", "ra", "--top", "1");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = Json.MAPPER.readTree(r.out());
        assertEquals(5, j.get("totalCount").asInt());
        assertEquals(1417, j.get("totalBytes").asLong());
        assertEquals(1, j.get("deadCount").asInt());
        JsonNode ra = j.get("roots").get(0);
        assertEquals("ra", ra.get("name").asText());
        assertEquals(1400, ra.get("closureBytes").asLong());
        assertEquals(1100, ra.get("exclusiveBytes").asLong(), "shared is kept by rb too");
        assertEquals(1100, j.get("whatIf").get("wouldFreeBytes").asLong());
        assertEquals(junk, j.get("largestDead").get(0).get("path").asText());
        assertEquals(64, cli.run("gc", "impact", "--remove-root", "nope").exit());
    }

    @Test
    void whyPrintsTheShortestChainOrSaysDead() {
        cli.run("roots", "add", "ra", a);
        var w = cli.run("gc", "why", shared);
        assertEquals(0, w.exit(), w.err());
        assertEquals(List.of("root ra", "  " + a, "  " + shared), w.lines());
        var d = cli.run("gc", "why", junk);
        assertEquals(1, d.exit());
        assertTrue(d.out().contains("is dead"), d.out());
    }

    @Test
    void keepOptionsAndHelpParse() {
        assertEquals(0, cli.run("gc", "--help").exit());
        assertEquals(0, cli.run("gc", "impact", "--help").exit());
        assertEquals(0, cli.run("gc", "why", "--help").exit());
        assertEquals(0, cli.run("roots", "--help").exit());
        assertEquals(0, cli.run("gc", "--dry-run", "--no-keep-derivations", "--keep-outputs").exit());
    }
}
