package org.storelog.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.domain.event.StoreEvent;
import org.storelog.log.EventLog;
import org.storelog.log.EventLogs;
import org.storelog.log.checkpoint.NixKeys;

class LogCommandTest {
    @TempDir Path state;

    record Run(int exit, String out, String err) {}

    Run audit(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        var cl = Audit.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 2];
        all[0] = "--state";
        all[1] = state.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        int code = cl.execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    void fill(int batches) {
        try (EventLog log = EventLogs.openEmbedded(state.resolve("log"))) {
            for (int b = 0; b < batches; b++)
                log.append(List.of(new StoreEvent.RootAdded("r" + b, "/nix/store/aaaa-p" + b),
                        new StoreEvent.StoreImported("src", "test", b, 0, 0)));
        }
    }

    @Test
    void verify_onAnIntactLog_exits0() {
        fill(5);
        Run r = audit("log", "verify");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("log ok: 10 events, last sequence 9, chain head "), r.out());
    }

    @Test
    void verify_namesTheFirstBadSequenceAndOffset_andExits1() throws Exception {
        fill(5);
        Path seg = state.resolve("log/00000000000000000000.events");
        long size = Files.size(seg);
        long pos = size / 2;
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, pos);
            b.put(0, (byte) (b.get(0) ^ 1)).rewind();
            ch.write(b, pos);
        }
        Run r = audit("log", "verify");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().matches("(?s)log corrupt: first bad sequence \\d+ in 00000000000000000000\\.events at offset \\d+: .*"), r.out());
    }

    @Test
    void tail_printsTheLastNEventsWithTimeBatchTypeAndSubject() {
        fill(3);
        Run r = audit("log", "tail", "-n", "2");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length);
        String[] f = lines[0].split("\t");
        assertEquals("4", f[0]);
        assertTrue(f[1].matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z"), f[1]);
        assertEquals("RootAdded", f[3]);
        assertEquals("/nix/store/aaaa-p2", f[4]);
        assertEquals("StoreImported\t-", lines[1].substring(lines[1].indexOf("StoreImported")));
        assertEquals(f[2], lines[1].split("\t")[2], "both events are in one batch");
    }

    @Test
    void stats_countsEventsBatchesAndTypes() {
        fill(4);
        Run r = audit("log", "stats");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("events: 8\nbatches: 4\nsegments: 1\n"), r.out());
        assertTrue(r.out().contains("  RootAdded: 4\n  StoreImported: 4\n"), r.out());
        Run j = audit("log", "stats", "--json");
        assertTrue(j.out().contains("\"events\" : 8"), j.out());
    }

    @Test
    void checkpoint_thenVerifyWithTrustedKey_checksTheSignature() throws Exception {
        fill(2);
        NixKeys.SecretKey key = NixKeys.SecretKey.generate("audit-1");
        Path keyFile = state.resolve("secret.key");
        Files.writeString(keyFile, key.toString());
        Run c = audit("log", "checkpoint", "--key", keyFile.toString());
        assertEquals(0, c.exit(), c.err());
        assertEquals(state.resolve("log/checkpoints/00000000000000000003.checkpoint").toString(), c.out().strip());
        fill(1);
        Run ok = audit("log", "verify", "--trusted", key.toPublic().toString());
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        assertTrue(ok.out().contains("(sequence 3): VALID"), ok.out());
        Run untrusted = audit("log", "verify", "--trusted", NixKeys.SecretKey.generate("someone-1").toPublic().toString());
        assertEquals(1, untrusted.exit());
        assertTrue(untrusted.out().contains("UNTRUSTED_KEY"), untrusted.out());
    }

    @Test
    void malformedTrustedKey_isAUsageError() {
        fill(1);
        assertEquals(64, audit("log", "verify", "--trusted", "k:AAAA").exit());
        assertEquals(64, audit("log", "verify", "--trusted", "/no/such/file").exit());
        assertEquals(64, audit("log", "tail", "-n", "x").exit());
    }

    @Test
    void help_worksOnEverySubcommand() {
        for (String sub : List.of("verify", "tail", "stats", "checkpoint")) {
            Run r = audit("log", sub, "--help");
            assertEquals(0, r.exit(), sub);
            assertTrue(r.out().startsWith("Usage: audit log " + sub), r.out());
        }
        assertEquals(64, audit("log").exit());
    }

    @Test
    void emptyState_verifiesAsAnEmptyLog() {
        Run r = audit("log", "verify");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("log ok: 0 events, last sequence -1"), r.out());
    }

    @Test
    void stateDir_optionBeatsEnvironmentBeatsHome() {
        Path home = Path.of("/home/u");
        assertEquals(Path.of("/x"), StateDir.resolve(Path.of("/x"), Map.of("AUDIT_STATE", "/y"), home).root());
        assertEquals(Path.of("/y"), StateDir.resolve(null, Map.of("AUDIT_STATE", "/y"), home).root());
        StateDir d = StateDir.resolve(null, Map.of(), home);
        assertEquals(Path.of("/home/u/.local/state/storelog"), d.root());
        assertEquals(d.root().resolve("log"), d.log());
        assertEquals(d.root().resolve("projections"), d.projections());
    }
}
