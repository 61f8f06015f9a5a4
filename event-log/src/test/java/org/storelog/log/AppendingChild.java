package org.storelog.log;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent;

/**
 * Child process of {@link CrashRecoveryTest}: opens the log at {@code args[0]} through the whole
 * stack (EventLog → EmbeddedEventStore → segment engine), prints {@code ready}, then appends
 * numbered batches until it is killed, printing {@code committed B} after each.
 */
public final class AppendingChild {
    private AppendingChild() {}

    /** Batch {@code b}: its size (every third batch is large, about 2.5 MiB written in several chunks) and events. */
    static List<StoreEvent> batch(int b) {
        int n = b % 3 == 2 ? 12_000 : 1 + (b * 37) % 150;
        List<StoreEvent> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) l.add(new StoreEvent.StoreImported("batch-" + b, "child", i, n, b));
        return l;
    }

    public static void main(String[] args) {
        try (EventLog log = EventLogs.openEmbedded(Path.of(args[0]))) {
            int next = 0;
            if (log.lastSequence() >= 0) {
                try (Stream<LoggedEvent> s = log.read(log.lastSequence())) {
                    next = ((StoreEvent.StoreImported) s.findFirst().orElseThrow().event()).unchanged() + 1;
                }
            }
            System.out.println("ready " + next);
            System.out.flush();
            for (int b = next; ; b++) {
                log.append(batch(b));
                System.out.println("committed " + b);
                System.out.flush();
            }
        }
    }
}
