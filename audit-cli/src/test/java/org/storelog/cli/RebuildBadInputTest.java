package org.storelog.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.sandbox.OutputCanonicalizer;
import org.storelog.testsupport.ExternalTools;

/**
 * Bad input to {@code audit rebuild --check} on a standalone store: a derivation whose input was
 * garbage-collected, a registered derivation whose file is gone, an unknown path and a path with no
 * deriver. Each is {@code inconclusive} with a reason saying what is missing, nothing crashes, the
 * rest of the batch is still checked, and the command exits 1. (The same cases on a store attached to
 * Nix are part of {@link NixCheckParityTest}.)
 */
class RebuildBadInputTest {
    @TempDir Path tmp;

    @Test
    void missingInputs_missingDrvFile_unknownPath_andNoDeriver_areInconclusive_andTheBatchGoesOn() throws Exception {
        ExternalTools.require("bwrap");
        ExternalTools.require("/usr/bin/busybox");
        CliRunner audit = StandaloneFixture.standalone(tmp);
        String bb = StandaloneFixture.busybox(audit, tmp);

        // b needs a's output; a was built, then its output collected (b.drv is rooted, outputs are not kept).
        String a = StandaloneFixture.drv(audit, bb, "a", "echo a > $out");
        CliRunner.Result builtA = audit.run("build", a);
        assertEquals(0, builtA.exit(), builtA.err());
        String aOut = builtA.out().strip();
        CliRunner.Result created = audit.run("drv", "create", "--name", "b", "--builder", bb + "/busybox", "--arg", "sh",
                "--arg", "-ec", "--arg", "busybox cat " + aOut + " > $out", "--input-drv", a);
        assertEquals(0, created.exit(), created.err());
        String b = created.out().strip();
        assertEquals(0, audit.run("roots", "add", "b", b).exit());
        String gone = StandaloneFixture.drv(audit, bb, "gone", "echo gone > $out");
        assertEquals(0, audit.run("roots", "add", "gone", gone).exit());
        CliRunner.Result gc = audit.run("gc", "--no-keep-outputs");
        assertEquals(0, gc.exit(), gc.err());
        assertEquals(1, audit.run("query", "valid", aOut).exit(), "a's output was collected");

        // a registered derivation whose file vanished from disk behind the store's back
        Path goneFile = tmp.resolve("root").resolve(gone.substring(1));
        OutputCanonicalizer.makeWritable(goneFile.getParent());
        Files.delete(goneFile);

        String ok = StandaloneFixture.drv(audit, bb, "ok", "echo ok > $out");
        assertEquals(0, audit.run("build", ok).exit());
        String unknown = "/nix/store/00000000000000000000000000000000-nowhere";

        CliRunner.Result r = audit.run("rebuild", "--check", "--json", b, gone, unknown, bb, ok);
        assertEquals(1, r.exit(), r.out() + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        JsonNode results = Json.MAPPER.readTree(r.out()).get("results");
        assertEquals(5, results.size());
        assertInconclusive(results.get(0), b, "missing inputs", "output 'out' of " + a);
        assertInconclusive(results.get(1), gone, "cannot read derivation " + gone);
        assertInconclusive(results.get(2), unknown, "unknown path");
        assertInconclusive(results.get(3), bb, "no deriver");
        assertEquals("reproducible", results.get(4).get("verdict").asText(), results.get(4).toString());
        assertEquals(4, Json.MAPPER.readTree(r.out()).get("summary").get("inconclusive").asInt());

        CliRunner.Result h = audit.run("history", b);
        assertEquals(0, h.exit(), h.err());
        assertTrue(h.out().contains("inconclusive"), "the check of b is recorded: " + h.out());
    }

    private static void assertInconclusive(JsonNode result, String drv, String... reasonParts) {
        assertEquals(drv, result.get("drv").asText(), result.toString());
        assertEquals("inconclusive", result.get("verdict").asText(), result.toString());
        for (String part : reasonParts)
            assertTrue(result.get("reason").asText().contains(part), "reason lacks '" + part + "': " + result);
    }
}
