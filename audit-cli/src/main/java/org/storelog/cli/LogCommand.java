package org.storelog.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.storelog.log.EventLog;
import org.storelog.log.EventLogs;
import org.storelog.log.LogReports;
import org.storelog.log.LogStats;
import org.storelog.log.VerifyReport;
import org.storelog.log.checkpoint.Checkpoints;
import org.storelog.log.checkpoint.NixKeys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code audit log (verify | tail | stats | checkpoint)}: inspect the event log. Every
 * subcommand opens the log read-only, so it never waits for a running writer.
 */
@Command(name = "log", mixinStandardHelpOptions = true, description = "Inspect the event log.",
        subcommands = {LogCommand.Verify.class, LogCommand.Tail.class, LogCommand.Stats.class, LogCommand.Checkpoint.class})
public final class LogCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static EventLog open(CommandLine.Model.CommandSpec spec) {
        return EventLogs.openEmbeddedReadOnly(Audit.stateDir(spec).log());
    }

    static void printJson(CommandLine.Model.CommandSpec spec, Object value) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        out.println(JSON.writeValueAsString(value));
        out.flush();
    }

    /** A key given as a file holding it, or as the {@code name:base64} text itself. */
    static String keyText(String arg) {
        Path p = Path.of(arg);
        try {
            if (Files.isRegularFile(p)) return Files.readString(p).strip();
        } catch (IOException e) {
            throw new ExitCodes.UsageException("cannot read key file " + arg + ": " + e.getMessage());
        } catch (java.nio.file.InvalidPathException ignored) { }
        if (arg.contains(":")) return arg;
        throw new ExitCodes.UsageException("no such key file: " + arg);
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check every record's CRC, sequence number and hash chain, and the signed checkpoints; "
                    + "names the first bad sequence number and file offset and exits 1 on damage.")
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = "--trusted", paramLabel = "PUB", description = "Trusted public key (name:base64, or a file holding it); repeatable.")
        List<String> trusted = new ArrayList<>();
        @Option(names = "--json", description = "Print the report as JSON.") boolean json;

        @Override public Integer call() throws IOException {
            List<NixKeys.PublicKey> keys = new ArrayList<>();
            for (String t : trusted) keys.add(NixKeys.PublicKey.parse(keyText(t)));
            LogReports.Verification v;
            try (EventLog log = open(spec)) {
                v = LogReports.verify(log, Audit.stateDir(spec).checkpoints(), keys);
            }
            if (json) {
                printJson(spec, Map.of("ok", v.ok(), "log", v.log(), "checkpoints", v.checkpoints()));
            } else {
                PrintWriter out = spec.commandLine().getOut();
                VerifyReport r = v.log();
                if (r.ok())
                    out.printf("log ok: %d events, last sequence %d, chain head %s%n", r.eventsChecked(), r.lastSequence(), r.chainHead());
                else
                    out.printf("log corrupt: first bad sequence %d in %s at offset %d: %s%n",
                            r.firstBadSequence(), r.badFile(), r.badOffset(), r.reason());
                for (Checkpoints.Check c : v.checkpoints())
                    out.printf("checkpoint %s (sequence %d): %s: %s%n", c.file(), c.sequence(), c.status(), c.reason());
                out.flush();
            }
            if (v.log().tornTailBytes() > 0)
                spec.commandLine().getErr().printf("note: %d bytes of an uncommitted batch at the end; the next writer discards them%n",
                        v.log().tornTailBytes());
            return v.ok() ? ExitCodes.OK : ExitCodes.FAILURE;
        }
    }

    @Command(name = "tail", mixinStandardHelpOptions = true,
            description = "Print the last N events: sequence, time (ISO-8601), batch, type, subject.")
    static final class Tail implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "10", description = "Number of events (default ${DEFAULT-VALUE}).")
        int n;
        @Option(names = "--json", description = "Print JSON.") boolean json;

        @Override public Integer call() throws IOException {
            if (n < 0) throw new ExitCodes.UsageException("-n must not be negative: " + n);
            List<LogReports.TailLine> lines;
            try (EventLog log = open(spec)) {
                lines = LogReports.tail(log, n);
            }
            if (json) {
                printJson(spec, lines);
            } else {
                PrintWriter out = spec.commandLine().getOut();
                for (LogReports.TailLine l : lines)
                    out.printf("%d\t%s\t%s\t%s\t%s%n", l.sequence(), l.time(), l.batch(), l.type(), l.subject());
                out.flush();
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "Events, batches, segments, bytes, events per type, first and last time.")
    static final class Stats implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = "--json", description = "Print JSON.") boolean json;

        @Override public Integer call() throws IOException {
            LogStats s;
            try (EventLog log = open(spec)) {
                s = log.stats();
            }
            if (json) {
                printJson(spec, s);
                return ExitCodes.OK;
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("events: %d%nbatches: %d%nsegments: %d%nbytes: %d%nlast sequence: %d%n",
                    s.events(), s.batches(), s.segments(), s.bytes(), s.lastSequence());
            out.printf("first: %s%nlast: %s%n", time(s.firstTimestamp()), time(s.lastTimestamp()));
            s.perType().forEach((type, count) -> out.printf("  %s: %d%n", type, count));
            out.flush();
            return ExitCodes.OK;
        }

        private static String time(long ms) { return ms < 0 ? "-" : Instant.ofEpochMilli(ms).toString(); }
    }

    @Command(name = "checkpoint", mixinStandardHelpOptions = true,
            description = "Sign the chain head with an Ed25519 key (Nix secret key format) and write it under <state>/log/checkpoints/.")
    static final class Checkpoint implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = "--key", required = true, paramLabel = "K", description = "Secret key file (name:base64 of seed and public key).")
        String key;

        @Override public Integer call() {
            NixKeys.SecretKey k = NixKeys.SecretKey.parse(keyText(key));
            try (EventLog log = open(spec)) {
                if (log.lastSequence() < 0) {
                    spec.commandLine().getErr().println("error: the log is empty: nothing to checkpoint");
                    return ExitCodes.FAILURE;
                }
                Path file = Checkpoints.write(Audit.stateDir(spec).checkpoints(), log, k);
                spec.commandLine().getOut().println(file);
                spec.commandLine().getOut().flush();
            }
            return ExitCodes.OK;
        }
    }
}
