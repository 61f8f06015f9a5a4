package org.storelog.projection;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.domain.event.LoggedEvent;

/**
 * A writer process killed with SIGKILL in the middle of folding leaves a projection whose
 * {@code lastApplied} matches its data exactly: every event up to it folded, none after it.
 * Catching up from {@code lastApplied + 1} then gives the same answers as a plain replay.
 */
class LmdbKilledWriterTest {
    static final int EVENTS = 200_000;

    /** The writer: folds {@link #chain} in batches of 500, printing after each commit. */
    public static void main(String[] args) {
        List<LoggedEvent> events = chain(EVENTS);
        try (LmdbProjections p = LmdbProjections.open(Path.of(args[0]), 64 * 1024)) {
            for (int i = 0; i < events.size(); i += 500) {
                p.apply(events.subList(i, Math.min(events.size(), i + 500)));
                System.out.println("committed " + p.lastAppliedSequence());
                System.out.flush();
            }
        }
    }

    /** Path i references path i-1 and path i/2; every event's sequence is its index. */
    static List<LoggedEvent> chain(int n) {
        Log log = new Log();
        for (int i = 0; i < n; i++) {
            if (i == 0) log.register(Log.path("k0"));
            else log.register(Log.path("k" + i), Log.path("k" + (i - 1)), Log.path("k" + (i / 2)));
        }
        return log.events;
    }

    @Test
    void killedMidFold_keepsExactlyACommittedPrefixAndResumes(@TempDir Path dir) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-opens", "java.base/java.nio=ALL-UNNAMED",
                "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), LmdbKilledWriterTest.class.getName(),
                dir.resolve("env").toString()));
        Process writer = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long seen = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            int commits = 0;
            while ((line = out.readLine()) != null) {
                seen = Long.parseLong(line.substring("committed ".length()));
                if (++commits == 40) break;      // well into the fold, with the map grown several times
            }
            writer.destroyForcibly();            // SIGKILL: no shutdown hooks, no close
            writer.waitFor();
        }
        assertTrue(seen >= 0, "the writer committed something before it was killed");

        List<LoggedEvent> events = chain(EVENTS);
        try (LmdbProjections p = LmdbProjections.open(dir.resolve("env"))) {
            long last = p.lastAppliedSequence();
            assertTrue(last >= seen, "a commit the writer reported is durable: " + last + " < " + seen);
            for (long i = Math.max(0, last - 600); i <= last; i++)
                assertTrue(p.isValid(Log.path("k" + i)), "event " + i + " was folded");
            assertFalse(p.isValid(Log.path("k" + (last + 1))), "nothing after lastApplied was folded");
            if (last > 0) assertTrue(p.referrers(Log.path("k" + (last - 1))).contains(Log.path("k" + last)));
            assertEquals(List.of(), p.history(Log.path("k" + (last + 1))));

            p.catchUp(events.subList((int) last + 1, events.size()).iterator());
            InMemoryStoreView model = InMemoryStoreView.replay(events.iterator(), Long.MAX_VALUE);
            List<String> sample = new ArrayList<>();
            for (long i = Math.max(0, last - 3); i <= last + 3; i++) sample.add(Log.path("k" + i));
            sample.add(Log.path("k0"));
            sample.add(Log.path("k" + (EVENTS - 1)));
            for (String s : sample) {
                assertEquals(model.info(s), p.info(s), s);
                assertEquals(model.referrers(s), p.referrers(s), s);
                assertEquals(model.history(s), p.history(s), s);
            }
            assertEquals(model.lastAppliedSequence(), p.lastAppliedSequence());
        }
    }
}
