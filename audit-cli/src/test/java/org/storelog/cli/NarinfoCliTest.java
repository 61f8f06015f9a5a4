package org.storelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class NarinfoCliTest {
    record Run(int exit, String out, String err) {}

    static Run audit(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = ExitCodes.commandLine(new Audit());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static Path resource(Path dir, String name) throws IOException {
        try (InputStream in = NarinfoCliTest.class.getResourceAsStream("/narinfo/" + name)) {
            Path p = dir.resolve(name);
            Files.write(p, in.readAllBytes());
            return p;
        }
    }

    @Test
    void keyGenerate_writesPrivateSecretAndPublicKey_andPrintsIt(@TempDir Path dir) throws IOException {
        Run r = audit("key", "generate", "cache.test-1", "--out-dir", dir.toString());
        assertEquals(0, r.exit(), r.err());
        Path secret = dir.resolve("cache.test-1.secret"), pub = dir.resolve("cache.test-1.public");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        assertEquals(Files.readString(pub), r.out().strip());
        assertTrue(r.out().startsWith("cache.test-1:"));
        Run again = audit("key", "generate", "cache.test-1", "--out-dir", dir.toString());
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("already exists"), again.err());
    }

    @Test
    void signThenVerify_acceptsOurKey_rejectsAnother(@TempDir Path dir) throws IOException {
        audit("key", "generate", "ours-1", "--out-dir", dir.toString());
        audit("key", "generate", "other-1", "--out-dir", dir.toString());
        Path f = resource(dir, "n7zh57z4wsss68dmr7cchnx1kcb2z248.narinfo");
        String before = Files.readString(f);
        Run sign = audit("narinfo", "sign", "--key", dir.resolve("ours-1.secret").toString(), f.toString());
        assertEquals(0, sign.exit(), sign.err());
        String after = Files.readString(f);
        assertTrue(after.startsWith(before) && after.substring(before.length()).startsWith("Sig: ours-1:"), after);

        Run ok = audit("narinfo", "verify", "--trusted", dir.resolve("ours-1.public").toString(), f.toString());
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("valid signature by ours-1"), ok.out());

        Run no = audit("narinfo", "verify", "--trusted", Files.readString(dir.resolve("other-1.public")), f.toString());
        assertEquals(1, no.exit());
        assertTrue(no.err().contains("not by a trusted key"), no.err());

        Run several = audit("narinfo", "verify", "--trusted", dir.resolve("other-1.public").toString(),
                dir.resolve("ours-1.public").toString(), f.toString());
        assertEquals(0, several.exit(), several.err());

        Files.writeString(f, after.replace("NarSize: 3248", "NarSize: 3249"));
        Run tampered = audit("narinfo", "verify", "--json", "--trusted", dir.resolve("ours-1.public").toString(), f.toString());
        assertEquals(1, tampered.exit());
        assertTrue(tampered.out().contains("\"valid\":false") && tampered.out().contains("does not match"), tampered.out());
    }

    @Test
    void verify_realGuixNarinfo_withGuixKeyFile(@TempDir Path dir) throws IOException {
        Path f = resource(dir, "8kib1cirdv0qbmn9hdkjzjfx3n5nw1yw-sed-4.4.narinfo");
        Path key = resource(dir, "ci.guix.gnu.org.pub");
        Run ok = audit("narinfo", "verify", "--trusted", key.toString(), f.toString());
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("berlin.guixsd.org"), ok.out());
        Files.writeString(f, Files.readString(f).replace("System: x86_64-linux", "System: i686-linux"));
        Run bad = audit("narinfo", "verify", "--trusted", key.toString(), f.toString());
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("other content"), bad.err());
    }

    @Test
    void malformedNarinfo_exits64_namingTheLine(@TempDir Path dir) throws IOException {
        Path f = resource(dir, "n7zh57z4wsss68dmr7cchnx1kcb2z248.narinfo");
        Files.writeString(f, Files.readString(f).replace("NarSize: 3248", "NarSize 3248"));
        Run r = audit("narinfo", "verify", "--trusted", "k:Kb9B8OvLeOpkl3qkSkddeP740Dq5rHoI+H6Iq6uzp3A=", f.toString());
        assertEquals(64, r.exit());
        assertTrue(r.err().contains("line 7"), r.err());
        Run s = audit("narinfo", "sign", "--key", dir.resolve("missing.secret").toString(), f.toString());
        assertEquals(64, s.exit());
        assertTrue(s.err().contains("no such file"), s.err());
    }

    @Test
    void badKeyOnCommandLine_exits64() throws IOException {
        Run r = audit("narinfo", "verify", "--trusted", "not-a-key", "x.narinfo");
        assertEquals(64, r.exit());
    }

    @Test
    void help_worksOnEveryCommand() {
        for (String[] args : new String[][] {{"key", "--help"}, {"key", "generate", "--help"}, {"narinfo", "--help"},
                {"narinfo", "sign", "--help"}, {"narinfo", "verify", "--help"}}) {
            Run r = audit(args);
            assertEquals(0, r.exit(), String.join(" ", args));
            assertTrue(r.out().contains("Usage:"), r.out());
        }
        assertEquals(64, audit("narinfo", "sign").exit());
    }
}
