package org.storelog.narinfo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.testsupport.ExternalTools;

/** Differential tests against real Nix: its narinfos and signatures in ours, ours in its substituter. */
class NixInteropTest {
    private static final String NIX_CMD = "nix-command";
    /** An input-addressed path (Nix demands a signature to substitute it). */
    private static String inputAddressed;
    /** A text (content-addressed) path with a reference. */
    private static String withReference;

    @BeforeAll
    static void makePaths() {
        ExternalTools.require("nix");
        ExternalTools.require("nix-build");
        ExternalTools.require("nix-store");
        inputAddressed = ExternalTools.run(List.of("nix-build", "--no-out-link", "--option", "sandbox", "false", "-E",
                "derivation { name = \"storelog-narinfo-ia\"; system = builtins.currentSystem; builder = \"/bin/sh\";"
                        + " args = [ \"-c\" \"echo input-addressed > $out\" ]; }")).ok().out().strip();
        withReference = ExternalTools.run(List.of("nix-instantiate", "--eval", "--read-write-mode", "-E",
                "builtins.toFile \"storelog-narinfo-b\" \"ref ${builtins.toFile \"storelog-narinfo-a\" \"hello\"}\""))
                .ok().out().strip().replace("\"", "");
    }

    private static void nixCopy(String to, String... paths) {
        List<String> cmd = new ArrayList<>(List.of("nix", "--extra-experimental-features", NIX_CMD, "copy", "--to", to));
        cmd.addAll(List.of(paths));
        ExternalTools.run(cmd).ok();
    }

    private static List<Path> narinfos(Path cache) throws IOException {
        try (Stream<Path> s = Files.list(cache)) {
            return s.filter(p -> p.toString().endsWith(".narinfo")).sorted().toList();
        }
    }

    private static Path narinfoOf(Path cache, String storePath) {
        String base = storePath.substring(storePath.lastIndexOf('/') + 1);
        return cache.resolve(base.substring(0, 32) + ".narinfo");
    }

    @Test
    void nixCopyNarinfos_roundTripByteForByte(@TempDir Path cache) throws IOException {
        nixCopy("file://" + cache, inputAddressed, withReference);
        List<Path> files = narinfos(cache);
        assertEquals(3, files.size());
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            assertArrayEquals(bytes, NarInfo.parse(bytes).toBytes(), f.toString());
        }
        NarInfo b = NarInfo.parse(Files.readAllBytes(narinfoOf(cache, withReference)));
        assertEquals(withReference, b.storePath());
        assertEquals(1, b.references().size());
    }

    @Test
    void nixSignatures_verifyInOurs_andOurKeyReaderReproducesThem(@TempDir Path dir) throws IOException {
        Path sec = dir.resolve("k.sec"), pub = dir.resolve("k.pub"), cache = dir.resolve("cache");
        ExternalTools.run(List.of("nix-store", "--generate-binary-cache-key", "interop-test-1", sec.toString(), pub.toString())).ok();
        nixCopy("file://" + cache + "?secret-key=" + sec + "&compression=zstd", inputAddressed, withReference);
        TrustedKeys trusted = TrustedKeys.parse(Files.readString(pub));
        SigningKey ours = SigningKey.parse(Files.readString(sec));
        assertEquals(trusted.nix().get(0), ours.publicKey());
        for (Path f : narinfos(cache)) {
            String text = Files.readString(f);
            NarInfo n = NarInfo.parse(text);
            NarInfoVerifier.Result r = NarInfoVerifier.verify(n, trusted);
            assertTrue(r.valid(), f + ": " + r.reason());
            assertEquals(text, ours.sign(n.withoutSigs()).print(), "our signature and placement equal Nix's");
            NarInfo tampered = NarInfo.parse(text.replaceFirst("NarSize: (\\d+)", "NarSize: 1$1"));
            assertFalse(NarInfoVerifier.verify(tampered, trusted).valid());
        }
    }

    @Test
    void narinfoSignedByUs_isSubstitutedByNix_onlyWhenOurKeyIsTrusted(@TempDir Path dir) throws IOException {
        Path cache = dir.resolve("cache");
        nixCopy("file://" + cache, inputAddressed);
        Path info = narinfoOf(cache, inputAddressed);
        SigningKey key = SigningKey.generate("storelog-interop-1");
        NarInfo signed = key.sign(NarInfo.parse(Files.readAllBytes(info)).withoutSigs());
        Files.write(info, signed.toBytes());

        ExternalTools.Result other = realise(dir.resolve("root-other"), cache,
                SigningKey.generate("storelog-interop-1").publicKey().toString());
        assertNotEquals(0, other.exit(), "Nix must refuse a substitute signed by an untrusted key");
        assertTrue(other.stderr().contains("not signed by any of the keys"), other.stderr());

        Path root = dir.resolve("root-ours");
        ExternalTools.Result ok = realise(root, cache, key.publicKey().toString());
        assertEquals(0, ok.exit(), ok.stderr());
        assertEquals("input-addressed\n", Files.readString(Path.of(root + inputAddressed), StandardCharsets.UTF_8));
    }

    @Test
    void ourSecretKeyFile_isReadByNix_andNixSignsAsWeDo(@TempDir Path dir) throws IOException {
        Path cache = dir.resolve("cache"), secret = dir.resolve("ours.secret");
        nixCopy("file://" + cache, inputAddressed);
        SigningKey key = SigningKey.generate("storelog-keyfile-1");
        Files.writeString(secret, key.toString());
        Path info = narinfoOf(cache, inputAddressed);
        NarInfo expected = key.sign(NarInfo.parse(Files.readAllBytes(info)));
        ExternalTools.run(List.of("nix", "--extra-experimental-features", NIX_CMD, "store", "sign",
                "--store", "file://" + cache, "-k", secret.toString(), inputAddressed)).ok();
        assertEquals(expected.print(), Files.readString(info));
    }

    private static ExternalTools.Result realise(Path root, Path cache, String trustedKey) {
        return ExternalTools.run(List.of("nix-store", "--store", "local?root=" + root, "-r", inputAddressed,
                "--option", "substituters", "file://" + cache, "--option", "trusted-public-keys", trustedKey,
                "--option", "require-sigs", "true"), null, Map.of(), null);
    }
}
