package org.storelog.log.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.storelog.log.ChainPoint;
import org.storelog.log.EventLog;

/**
 * Signed checkpoints of the hash chain head, one small text file per checkpoint,
 * {@code <dir>/%020d.checkpoint} named by sequence number, in the manner of a narinfo:
 * <pre>
 * StorelogCheckpoint: 1
 * Sequence: 41
 * Chain: 3f…(64 hex digits)
 * Time: 2026-11-23T09:00:00Z
 * Sig: name:base64
 * </pre>
 * The signature covers the fingerprint {@code storelog-checkpoint-1;SEQUENCE;CHAIN;TIME}.
 * A checkpoint that still matches the log proves the log up to it was not rewritten since.
 */
public final class Checkpoints {
    private Checkpoints() {}

    public record Checkpoint(long sequence, String chain, String time, String signature) {
        public String fingerprint() { return "storelog-checkpoint-1;" + sequence + ";" + chain + ";" + time; }
    }

    public enum Status { VALID, CHAIN_MISMATCH, BEYOND_HEAD, BAD_SIGNATURE, UNTRUSTED_KEY, UNSIGNED_CHECK, MALFORMED }

    /** One checkpoint's check; {@code UNSIGNED_CHECK} means the chain matches but no trusted key was given. */
    public record Check(String file, long sequence, Status status, String reason) {
        public boolean ok() { return status == Status.VALID || status == Status.UNSIGNED_CHECK; }
    }

    /** Signs the log's current chain head and writes it (atomically) under {@code dir}. */
    public static Path write(Path dir, EventLog log, NixKeys.SecretKey key) {
        ChainPoint head = log.chainHead();
        String time = Instant.ofEpochSecond(Instant.now().getEpochSecond()).toString();
        Checkpoint c = new Checkpoint(head.sequence(), head.chain(), time, null);
        Checkpoint signed = new Checkpoint(c.sequence(), c.chain(), c.time(), key.sign(c.fingerprint()));
        try {
            Files.createDirectories(dir);
            if (head.sequence() < 0) throw new IllegalStateException("the log is empty: nothing to checkpoint");
            Path file = dir.resolve(String.format("%020d.checkpoint", head.sequence()));
            Path tmp = dir.resolve(file.getFileName() + ".tmp");
            Files.writeString(tmp, format(signed));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint in " + dir, e);
        }
    }

    public static String format(Checkpoint c) {
        return "StorelogCheckpoint: 1\nSequence: " + c.sequence() + "\nChain: " + c.chain() + "\nTime: " + c.time()
                + "\nSig: " + c.signature() + "\n";
    }

    /** Parses a checkpoint file's text; fails with the line number of the first problem. */
    public static Checkpoint parse(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) continue;
            int colon = lines[i].indexOf(": ");
            if (colon <= 0) throw new CheckpointFormatException("expected 'Field: value'", i + 1);
            if (fields.put(lines[i].substring(0, colon), lines[i].substring(colon + 2)) != null)
                throw new CheckpointFormatException("repeated field " + lines[i].substring(0, colon), i + 1);
        }
        if (!"1".equals(fields.get("StorelogCheckpoint"))) throw new CheckpointFormatException("not a version 1 checkpoint", 1);
        for (String f : List.of("Sequence", "Chain", "Time", "Sig"))
            if (!fields.containsKey(f)) throw new CheckpointFormatException("missing field " + f, lines.length);
        long seq;
        try {
            seq = Long.parseLong(fields.get("Sequence"));
        } catch (NumberFormatException e) {
            throw new CheckpointFormatException("Sequence is not a number", 2);
        }
        if (!fields.get("Chain").matches("[0-9a-f]{64}")) throw new CheckpointFormatException("Chain is not 64 hex digits", 3);
        return new Checkpoint(seq, fields.get("Chain"), fields.get("Time"), fields.get("Sig"));
    }

    /** Checks every checkpoint under {@code dir} against the log and, when keys are given, their signatures. */
    public static List<Check> verify(Path dir, EventLog log, List<NixKeys.PublicKey> trusted) {
        List<Check> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".checkpoint")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path f : files) out.add(check(f, log, trusted));
        return out;
    }

    private static Check check(Path f, EventLog log, List<NixKeys.PublicKey> trusted) {
        String name = f.getFileName().toString();
        Checkpoint c;
        try {
            c = parse(Files.readString(f, StandardCharsets.UTF_8));
        } catch (CheckpointFormatException e) {
            return new Check(name, -1, Status.MALFORMED, e.reason() + " at line " + e.line());
        } catch (IOException e) {
            return new Check(name, -1, Status.MALFORMED, e.toString());
        }
        if (c.sequence() > log.lastSequence())
            return new Check(name, c.sequence(), Status.BEYOND_HEAD,
                    "checkpoint at sequence " + c.sequence() + " but the log ends at " + log.lastSequence());
        String actual = log.chainAt(c.sequence());
        if (!c.chain().equals(actual))
            return new Check(name, c.sequence(), Status.CHAIN_MISMATCH,
                    "chain at sequence " + c.sequence() + " is " + actual + ", checkpoint says " + c.chain());
        if (trusted.isEmpty()) return new Check(name, c.sequence(), Status.UNSIGNED_CHECK, "signature not checked (no --trusted key)");
        String keyName;
        try {
            keyName = NixKeys.nameOf(c.signature());
        } catch (KeyFormatException e) {
            return new Check(name, c.sequence(), Status.MALFORMED, "Sig: " + e.reason());
        }
        for (NixKeys.PublicKey k : trusted) {
            if (!k.name().equals(keyName)) continue;
            try {
                if (k.verify(c.fingerprint(), c.signature())) return new Check(name, c.sequence(), Status.VALID, "signed by " + keyName);
            } catch (KeyFormatException e) {
                return new Check(name, c.sequence(), Status.MALFORMED, "Sig: " + e.reason());
            }
            return new Check(name, c.sequence(), Status.BAD_SIGNATURE, "signature by " + keyName + " does not verify");
        }
        return new Check(name, c.sequence(), Status.UNTRUSTED_KEY, "signed by " + keyName + ", which is not trusted");
    }
}
