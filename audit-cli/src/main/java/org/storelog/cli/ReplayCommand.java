package org.storelog.cli;

import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.storelog.app.Replay;
import org.storelog.app.Store;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.projection.InMemoryStoreView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Rebuild the projections from the log (they hold nothing the log does not).",
                "With --until SEQ|TIME, also show the store as it was then (the projections still end at the head; "
                        + "use 'query --as-of' to ask that past state questions)."})
final class ReplayCommand implements Callable<Integer> {
    @ParentCommand Audit audit;

    @Option(names = "--until", paramLabel = "SEQ|TIME") String until;

    @Override
    public Integer call() {
        Replay.Report r = Replay.rebuild(audit.state());
        System.err.printf("replayed %,d events into fresh projections in %.2f s (%,.0f events/s; reading the log"
                        + " %.2f s, folding %,.0f events/s)%n", r.events(), r.millis() / 1000.0,
                r.events() * 1000.0 / Math.max(1, r.millis()), r.readMillis() / 1000.0, r.foldRate());
        if (until != null) {
            try (Store store = Store.open(audit.state(), false)) {
                long seq = AsOf.parse(until).resolve(store.log());
                InMemoryStoreView past;
                try (Stream<LoggedEvent> events = store.log().read(0)) {
                    past = InMemoryStoreView.replay(events.iterator(), seq);
                }
                long bytes = 0;
                var valid = past.validPaths();
                for (String p : valid) bytes += past.info(p).orElseThrow().narSize();
                String when = "";
                if (seq >= 0) try (Stream<LoggedEvent> s = store.log().read(seq)) {
                    when = " (" + Instant.ofEpochMilli(s.findFirst().orElseThrow().timestamp()) + ")";
                }
                System.out.printf("as of #%d%s: %,d valid paths, %,d bytes, %d root(s)%n", seq, when, valid.size(), bytes,
                        past.roots().size());
            }
        }
        return 0;
    }
}
