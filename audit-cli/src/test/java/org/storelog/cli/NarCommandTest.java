package org.storelog.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.testsupport.ExternalTools;

/** {@code audit hash} and {@code audit nar …} end to end, against nix-hash / nix-store / nix nar ls. */
class NarCommandTest {
    @TempDir Path tmp;
    private Path tree;

    record Run(int exit, byte[] out, String err) {
        String text() { return new String(out, StandardCharsets.UTF_8); }
    }

    private static Run audit(byte[] stdin, String... args) {
        PrintStream oldOut = System.out;
        InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true));
            if (stdin != null) System.setIn(new ByteArrayInputStream(stdin));
            var cmd = ExitCodes.commandLine(new Audit());
            cmd.setErr(new PrintWriter(err, true));
            cmd.setOut(new PrintWriter(out, true));
            int code = cmd.execute(args);
            System.out.flush();
            return new Run(code, out.toByteArray(), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setIn(oldIn);
        }
    }

    @BeforeEach void tree() throws Exception {
        tree = Files.createDirectories(tmp.resolve("t/sub"));
        tree = tmp.resolve("t");
        Files.writeString(tree.resolve("hello"), "hello\n");
        Files.writeString(tree.resolve("sub/run"), "#!/bin/sh\n");
        tree.resolve("sub/run").toFile().setExecutable(true);
        Files.createSymbolicLink(tree.resolve("sub/link"), Path.of("../hello"));
    }

    private static String nix(String... cmd) {
        return ExternalTools.run(List.of(cmd)).ok().out();
    }

    /** Unlike nix-hash (whose default type is md5), the default type is sha256, as DESIGN.md lists. */
    @Test void hash_flatDefaultsToSha256Base16() {
        ExternalTools.require("nix-hash");
        Run r = audit(null, "hash", tree.resolve("hello").toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(nix("nix-hash", "--flat", "--type", "sha256", tree.resolve("hello").toString()), r.text());
    }

    @Test void hash_recursiveBase32AndTypesLikeNixHash() {
        ExternalTools.require("nix-hash");
        for (String type : new String[] {"sha256", "sha1", "sha512", "md5"}) {
            Run r = audit(null, "hash", "-r", "--type", type, "--base32", tree.toString());
            assertEquals(0, r.exit(), r.err());
            assertEquals(nix("nix-hash", "--type", type, "--base32", tree.toString()), r.text(), type);
        }
    }

    @Test void hash_sriPrintsAlgoDashBase64() {
        Run r = audit(null, "hash", "--sri", tree.resolve("hello").toString());
        assertEquals("sha256-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM=\n", r.text());
    }

    @Test void hash_missingPathOrUnknownType_isAUsageError() {
        assertEquals(64, audit(null, "hash", tmp.resolve("absent").toString()).exit());
        assertEquals(64, audit(null, "hash", "--type", "sha3", tree.toString()).exit());
        assertEquals(64, audit(null, "hash", "--base16", "--base32", tree.toString()).exit());
    }

    @Test void narDump_equalsNixStoreDump_andRestoreRoundTrips() {
        ExternalTools.require("nix-store");
        Run dump = audit(null, "nar", "dump", tree.toString());
        assertEquals(0, dump.exit(), dump.err());
        byte[] nix = ExternalTools.run(List.of("nix-store", "--dump", tree.toString())).ok().stdout();
        assertArrayEquals(nix, dump.out());

        Path dest = tmp.resolve("restored");
        Run restore = audit(nix, "nar", "restore", dest.toString());
        assertEquals(0, restore.exit(), restore.err());
        assertArrayEquals(nix, ExternalTools.run(List.of("nix-store", "--dump", dest.toString())).ok().stdout());
    }

    @Test void narRestore_badNar_exits64NamingTheOffset_andCreatesNothing() throws Exception {
        ExternalTools.require("nix-store");
        byte[] nix = ExternalTools.run(List.of("nix-store", "--dump", tree.toString())).ok().stdout();
        Path dest = tmp.resolve("restored");
        Run r = audit(Arrays.copyOf(nix, 100), "nar", "restore", dest.toString());
        assertEquals(64, r.exit());
        assertTrue(r.err().contains("at byte 100"), r.err());
        assertFalse(Files.exists(dest));
        try (var s = Files.list(tmp)) {
            assertEquals(List.of(tree), s.toList());
        }
    }

    @Test void narLs_plainLikeNixNarLs_andJsonLikeNixLsFiles() throws Exception {
        ExternalTools.require("nix");
        byte[] nix = ExternalTools.run(List.of("nix-store", "--dump", tree.toString())).ok().stdout();
        Path f = Files.write(tmp.resolve("t.nar"), nix);
        Run plain = audit(null, "nar", "ls", f.toString());
        assertEquals(0, plain.exit(), plain.err());
        assertEquals(nix("nix", "--extra-experimental-features", "nix-command", "nar", "ls", "-lR", f.toString(), "/"),
                plain.text());
        Run ofTree = audit(null, "nar", "ls", tree.toString());
        assertEquals(plain.text(), ofTree.text());

        Run json = audit(null, "nar", "ls", "--json", f.toString());
        String root = nix("nix", "--extra-experimental-features", "nix-command", "nar", "ls", "--json", "-R", f.toString(), "/").trim();
        assertEquals("{\"version\":1,\"root\":" + root + "}\n", json.text());
    }

    @Test void narLs_garbage_exits64() throws Exception {
        Path f = Files.write(tmp.resolve("bad.nar"), Arrays.copyOf(new byte[] {13, 0, 0, 0, 0, 0, 0, 0, 'n', 'i', 'x', '-', 'a', 'r',
                'c', 'h', 'i', 'v', 'e', '-', '1', 0, 0, 0}, 40));
        Run r = audit(null, "nar", "ls", f.toString());
        assertEquals(64, r.exit());
        assertTrue(r.err().contains("malformed NAR at byte 24"), r.err());
    }

    @Test void help_worksOnEveryCommand() {
        for (String[] args : new String[][] {{"hash", "--help"}, {"nar", "--help"}, {"nar", "dump", "--help"},
                {"nar", "restore", "--help"}, {"nar", "ls", "--help"}}) {
            Run r = audit(null, args);
            assertEquals(0, r.exit(), String.join(" ", args));
            assertTrue(r.text().contains("Usage:"), r.text());
        }
    }

    @Test void narWithoutSubcommand_printsUsageAndExits64() {
        Run r = audit(null, "nar");
        assertEquals(64, r.exit());
        assertTrue(r.err().contains("Usage:"), r.err());
    }
}
