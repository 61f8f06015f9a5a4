package org.storelog.log.checkpoint;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.domain.event.StoreEvent;
import org.storelog.log.EventLog;
import org.storelog.log.EventLogs;

class CheckpointsTest {
    @TempDir Path tmp;

    static StoreEvent root(int i) { return new StoreEvent.RootAdded("r" + i, "/nix/store/aaaa-p" + i); }

    static NixKeys.SecretKey rfc8032Key() {
        HexFormat h = HexFormat.of();
        byte[] all = new byte[64];
        System.arraycopy(h.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"), 0, all, 0, 32);
        System.arraycopy(h.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"), 0, all, 32, 32);
        return NixKeys.SecretKey.parse("test-1:" + Base64.getEncoder().encodeToString(all));
    }

    @Test
    void signing_matchesRfc8032TestVector1() {
        String sig = rfc8032Key().sign("");
        assertEquals("test-1:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")), sig);
        assertTrue(rfc8032Key().toPublic().verify("", sig));
        assertFalse(rfc8032Key().toPublic().verify("x", sig));
    }

    @Test
    void keys_roundTripInNixTextForm() {
        NixKeys.SecretKey k = NixKeys.SecretKey.generate("cache.example.org-1");
        assertEquals(k.toString(), NixKeys.SecretKey.parse(k.toString()).toString());
        assertEquals(k.toPublic().toString(), NixKeys.PublicKey.parse(k.toPublic().toString() + "\n").toString());
        assertEquals(44 + "cache.example.org-1:".length(), k.toPublic().toString().length());
    }

    @Test
    void malformedKeys_areRejectedWithThePlace() {
        var noName = assertThrows(KeyFormatException.class, () -> NixKeys.PublicKey.parse("AAAA"));
        assertEquals(0, noName.offset());
        var wrongSize = assertThrows(KeyFormatException.class, () -> NixKeys.PublicKey.parse("k:AAAA"));
        assertEquals(2, wrongSize.offset());
        assertTrue(wrongSize.reason().contains("32 bytes"), wrongSize.reason());
        assertThrows(KeyFormatException.class, () -> NixKeys.SecretKey.parse("k:!!!"));
    }

    @Test
    void checkpoint_verifiesWithTheTrustedKeyAndSurvivesLaterAppends() throws Exception {
        NixKeys.SecretKey key = NixKeys.SecretKey.generate("audit-1");
        Path cps = tmp.resolve("log/checkpoints");
        try (EventLog log = EventLogs.openEmbedded(tmp.resolve("log"))) {
            log.append(List.of(root(0), root(1)));
            Path file = Checkpoints.write(cps, log, key);
            assertEquals("00000000000000000001.checkpoint", file.getFileName().toString());
            log.append(List.of(root(2)));
            List<Checkpoints.Check> checks = Checkpoints.verify(cps, log, List.of(key.toPublic()));
            assertEquals(1, checks.size());
            assertEquals(Checkpoints.Status.VALID, checks.get(0).status(), checks.toString());
            assertEquals(Checkpoints.Status.UNSIGNED_CHECK, Checkpoints.verify(cps, log, List.of()).get(0).status());
            NixKeys.PublicKey other = NixKeys.SecretKey.generate("other-1").toPublic();
            assertEquals(Checkpoints.Status.UNTRUSTED_KEY, Checkpoints.verify(cps, log, List.of(other)).get(0).status());
            NixKeys.PublicKey impostor = NixKeys.SecretKey.generate("audit-1").toPublic();
            assertEquals(Checkpoints.Status.BAD_SIGNATURE, Checkpoints.verify(cps, log, List.of(impostor)).get(0).status());
        }
    }

    @Test
    void checkpointOfAnotherHistory_isAChainMismatch_andOneAheadIsBeyondTheHead() throws Exception {
        NixKeys.SecretKey key = NixKeys.SecretKey.generate("audit-1");
        Path cps = tmp.resolve("cps");
        try (EventLog a = EventLogs.openEmbedded(tmp.resolve("a"))) {
            a.append(List.of(root(0), root(1)));
            Checkpoints.write(cps, a, key);
            a.append(List.of(root(2), root(3)));
            Checkpoints.write(cps, a, key);
        }
        try (EventLog b = EventLogs.openEmbedded(tmp.resolve("b"))) {
            b.append(List.of(root(0), root(9), root(2)));
            List<Checkpoints.Check> checks = Checkpoints.verify(cps, b, List.of(key.toPublic()));
            assertEquals(Checkpoints.Status.CHAIN_MISMATCH, checks.get(0).status());
            assertEquals(1, checks.get(0).sequence());
            assertEquals(Checkpoints.Status.BEYOND_HEAD, checks.get(1).status());
        }
    }

    @Test
    void editedCheckpoint_failsItsSignature_andGarbageIsMalformedWithALine() throws Exception {
        NixKeys.SecretKey key = NixKeys.SecretKey.generate("audit-1");
        Path cps = tmp.resolve("log/checkpoints");
        try (EventLog log = EventLogs.openEmbedded(tmp.resolve("log"))) {
            log.append(List.of(root(0)));
            Path f = Checkpoints.write(cps, log, key);
            Files.writeString(f, Files.readString(f).replaceFirst("Time: \\d{4}", "Time: 1999"));
            Files.writeString(cps.resolve("junk.checkpoint"), "StorelogCheckpoint: 1\nSequence 3\n");
            List<Checkpoints.Check> checks = Checkpoints.verify(cps, log, List.of(key.toPublic()));
            assertEquals(Checkpoints.Status.BAD_SIGNATURE, checks.get(0).status());
            assertEquals(Checkpoints.Status.MALFORMED, checks.get(1).status());
            assertTrue(checks.get(1).reason().endsWith("at line 2"), checks.get(1).reason());
        }
    }
}
