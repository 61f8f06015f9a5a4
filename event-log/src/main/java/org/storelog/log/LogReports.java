package org.storelog.log;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.log.checkpoint.Checkpoints;
import org.storelog.log.checkpoint.NixKeys;

/** Report records behind {@code audit log …}: computed here, printed by the CLI. */
public final class LogReports {
    private LogReports() {}

    /** The chain check plus every checkpoint's check; ok when both are. */
    public record Verification(VerifyReport log, List<Checkpoints.Check> checkpoints) {
        public boolean ok() { return log.ok() && checkpoints.stream().allMatch(Checkpoints.Check::ok); }
    }

    /** One line of {@code audit log tail}: time is ISO-8601 UTC; subject is the first path the event concerns, or "-". */
    public record TailLine(long sequence, String time, String batch, String type, String subject) {}

    public static Verification verify(EventLog log, Path checkpointDir, List<NixKeys.PublicKey> trusted) {
        VerifyReport v = log.verify();
        List<Checkpoints.Check> checks = checkpointDir == null ? List.of() : Checkpoints.verify(checkpointDir, log, trusted);
        return new Verification(v, checks);
    }

    /** The last {@code n} committed events, oldest first. */
    public static List<TailLine> tail(EventLog log, int n) {
        long last = log.lastSequence();
        List<TailLine> out = new ArrayList<>();
        if (last < 0 || n <= 0) return out;
        try (Stream<LoggedEvent> s = log.read(Math.max(0, last - n + 1))) {
            s.forEach(e -> {
                List<String> subjects = e.event().subjects();
                out.add(new TailLine(e.sequence(), Instant.ofEpochMilli(e.timestamp()).toString(), e.batchId(),
                        e.event().typeName(), subjects.isEmpty() ? "-" : subjects.get(0)));
            });
        }
        return out;
    }
}
