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

    @Test
    void htmlReportIsSelfContainedAndRendersItsChartInHeadlessChromium() throws Exception {
        cli.run("roots", "add", "ra", a);
        cli.run("roots", "add", "rb", b);
        Path html = dir.resolve("impact.html");
        var r = cli.run("gc", "impact", "--html", html.toString());
        assertEquals(0, r.exit(), r.err());
        String page = Files.readString(html);
        assertFalse(page.contains("http://") && page.replace("http://www.w3.org/2000/svg", "").contains("http://"),
                "no network references");
        assertFalse(page.contains("https://"));
        assertEquals(2, page.split("<rect class=\"bar\"", -1).length - 1);
        org.storelog.testsupport.ExternalTools.require("chromium");
        Path png = dir.resolve("impact.png");
        List<String> flags = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + dir.resolve("chrome-profile"));
        var shot = new java.util.ArrayList<>(List.of("chromium"));
        shot.addAll(flags);
        shot.addAll(List.of("--screenshot=" + png, "--window-size=1200,900", html.toUri().toString()));
        org.storelog.testsupport.ExternalTools.run(shot, dir, java.util.Map.of(), null);
        assertTrue(Files.exists(png), "chromium wrote no screenshot");
        var img = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(1200, img.getWidth());
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int x = 0; x < img.getWidth(); x += 7)
            for (int y = 0; y < img.getHeight(); y += 7) colours.add(img.getRGB(x, y));
        assertTrue(colours.size() > 3, "screenshot is blank");
        assertTrue(colours.contains(0xFF3B7DD8), "the chart's bar colour is on the screenshot");
        var dom = new java.util.ArrayList<>(List.of("chromium"));
        dom.addAll(flags);
        dom.addAll(List.of("--dump-dom", html.toUri().toString()));
        String out = org.storelog.testsupport.ExternalTools.run(dom, dir, java.util.Map.of(), null).out();
        assertTrue(out.contains("data-root=\"ra\"") && out.contains("data-root=\"rb\""), "bars in the rendered DOM");
    }
}
