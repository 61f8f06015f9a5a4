package org.storelog.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.testsupport.ExternalTools;

class OutputCanonicalizerTest {
    @TempDir Path tmp;

    static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    static long mtime(Path p) throws IOException {
        return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis();
    }

    @Test void filesBecome0444Or0555ByOwnerExecBitAndDirectories0555() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out/sub"));
        Path plain = Files.writeString(tmp.resolve("out/plain"), "x");
        Path exe = Files.writeString(tmp.resolve("out/sub/exe"), "x");
        Path groupExec = Files.writeString(tmp.resolve("out/group-exec"), "x");
        Files.setAttribute(plain, "unix:mode", 0600);
        Files.setAttribute(exe, "unix:mode", 0700);
        Files.setAttribute(groupExec, "unix:mode", 0670);
        Files.setAttribute(out, "unix:mode", 0700);
        OutputCanonicalizer.canonicalize(tmp.resolve("out"));
        assertEquals(0100444, mode(plain));
        assertEquals(0100555, mode(exe));
        assertEquals(0100444, mode(groupExec));
        assertEquals(040555, mode(out));
        assertEquals(040555, mode(tmp.resolve("out")));
    }

    @Test void setuidSetgidAndStickyBitsAreRemoved() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path suid = Files.writeString(out.resolve("suid"), "x");
        Files.setAttribute(suid, "unix:mode", 06755);
        Path sticky = Files.createDirectories(out.resolve("sticky"));
        Files.setAttribute(sticky, "unix:mode", 01755);
        OutputCanonicalizer.canonicalize(out);
        assertEquals(0100555, mode(suid));
        assertEquals(040555, mode(sticky));
    }

    @Test void everyEntryGetsMtime1_symlinksIncluded_andLinkTargetsAreNotTouched() throws IOException {
        Path outside = Files.writeString(tmp.resolve("outside"), "x");
        Files.setAttribute(outside, "unix:mode", 0640);
        Files.setLastModifiedTime(outside, FileTime.fromMillis(1_000_000_000_000L));
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path link = Files.createSymbolicLink(out.resolve("link"), outside);
        Path file = Files.writeString(out.resolve("f"), "x");
        OutputCanonicalizer.canonicalize(out);
        assertEquals(1000, mtime(out));
        assertEquals(1000, mtime(file));
        assertEquals(1000, mtime(link));
        assertEquals(1_000_000_000_000L, mtime(outside));
        assertEquals(0100640, mode(outside));
        assertTrue(Files.isSymbolicLink(link));
    }

    @Test void specialFileIsRefusedWithItsPath() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path fifo = out.resolve("pipe");
        ExternalTools.run(List.of("mkfifo", fifo.toString())).ok();
        CanonicalizationException e = assertThrows(CanonicalizationException.class, () -> OutputCanonicalizer.canonicalize(out));
        assertEquals(CanonicalizationException.Reason.UNSUPPORTED_FILE_TYPE, e.reason());
        assertEquals(fifo, e.path());
    }

    @Test void groupWritableOutputRootIsSuspicious() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.setAttribute(out, "unix:mode", 0775);
        CanonicalizationException e = assertThrows(CanonicalizationException.class, () -> OutputCanonicalizer.checkOutputRoot(out));
        assertEquals(CanonicalizationException.Reason.SUSPICIOUS_PERMISSIONS, e.reason());
        Files.setAttribute(out, "unix:mode", 0755);
        OutputCanonicalizer.checkOutputRoot(out);
    }

    @Test void canonicalizedTreeCanBeMadeWritableAndDeleted() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out/a/b"));
        Files.writeString(out.resolve("f"), "x");
        Path root = tmp.resolve("out");
        OutputCanonicalizer.canonicalize(root);
        OutputCanonicalizer.makeWritable(root);
        assertEquals(0755, mode(root) & 07777);
        assertEquals(0755, mode(out) & 07777);
        assertEquals(0100444, mode(out.resolve("f")));
        OutputCanonicalizer.canonicalize(root);
        OutputCanonicalizer.delete(root);
        assertFalse(Files.exists(root));
    }

    /**
     * Differential: {@code golden/nix-modes/modes.nix} makes a tree with varied modes and
     * timestamps. Real Nix canonicalises it when registering the output; we build the same
     * tree in our sandbox and canonicalise it; type, mode and mtime of every entry must agree.
     */
    @Test void agreesWithNixOnARealOutputTree() throws IOException {
        ExternalTools.require("nix-build");
        TestBuilds.requireTools();
        Path dir = Files.createDirectories(tmp.resolve("nix"));
        for (String f : new String[] {"modes.nix", "modes.sh"}) Files.write(dir.resolve(f), resource(f));
        Path nixOut = Path.of(ExternalTools.run(List.of("nix-build", "--option", "sandbox", "true", "--no-out-link",
                dir.resolve("modes.nix").toString()), dir, Map.of(), null).ok().out().strip());
        String drv = ExternalTools.run(List.of("nix-instantiate", dir.resolve("modes.nix").toString()), dir, Map.of(), null)
                .ok().out().strip();
        String builder = ExternalTools.run(List.of("nix-store", "-q", "--binding", "builder", drv)).ok().out().strip();
        String bb = builder.substring(0, builder.lastIndexOf('/'));
        SandboxRequest r = SandboxRequest.builder("/nix/store")
                .input(bb, Path.of(bb))
                .output(nixOut.toString())
                .scratchDir(tmp.resolve("scratch")).buildDir(tmp.resolve("build"))
                .builder(builder, "sh", "-ec", new String(resource("modes.sh"), java.nio.charset.StandardCharsets.UTF_8))
                .env("builder", builder).env("out", nixOut.toString())
                .build();
        TestBuilds.Run run = TestBuilds.run(r);
        assertTrue(run.result().succeeded(), run.log());
        Path ours = r.hostOutputPath(nixOut.toString());
        OutputCanonicalizer.checkOutputRoot(ours);
        OutputCanonicalizer.canonicalize(ours);
        Map<String, String> expected = describe(nixOut);
        assertTrue(expected.size() >= 10, expected.toString());
        assertEquals(expected, describe(ours));
        // End to end: the NAR hash of our rebuilt output equals the one Nix registered.
        String recorded = ExternalTools.run(List.of("nix-store", "-q", "--hash", nixOut.toString())).ok().out().strip();
        String rebuilt = ExternalTools.run(List.of("nix-hash", "--type", "sha256", "--base32", ours.toString())).ok().out().strip();
        assertEquals(recorded, "sha256:" + rebuilt);
        OutputCanonicalizer.delete(tmp.resolve("scratch"));
    }

    /** relative path → "mode mtime-seconds [link target]" for every entry of a tree. */
    static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String d = String.format("%06o %d", mode(p), mtime(p) / 1000);
                if (Files.isSymbolicLink(p)) d += " -> " + Files.readSymbolicLink(p);
                m.put(root.relativize(p).toString(), d);
            }
        }
        return m;
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = OutputCanonicalizerTest.class.getResourceAsStream("/golden/nix-modes/" + name)) {
            if (in == null) throw new IOException("missing resource " + name);
            return in.readAllBytes();
        }
    }
}
