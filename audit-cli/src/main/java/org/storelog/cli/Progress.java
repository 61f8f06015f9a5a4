package org.storelog.cli;

import java.io.PrintStream;
import java.time.Duration;

/**
 * Draws progress on stderr when it is a terminal: a bar with done/total, the current item,
 * elapsed and remaining time, redrawn at most every 200 ms. Prints nothing otherwise.
 */
final class Progress implements org.storelog.app.Progress {
    private final String label;
    private final PrintStream err = System.err;
    private final long start = System.nanoTime();
    private long total = -1;
    private long lastDraw;
    private boolean drawn;

    private Progress(String label) { this.label = label; }

    /** A bar when stderr is a terminal, otherwise {@link org.storelog.app.Progress#NONE}. */
    static org.storelog.app.Progress forTerminal(String label) {
        return System.console() != null && System.getenv("TERM") != null && !"dumb".equals(System.getenv("TERM"))
                ? new Progress(label) : org.storelog.app.Progress.NONE;
    }

    @Override public void total(long total) { this.total = total; }

    @Override
    public synchronized void step(long done, String current) {
        long now = System.nanoTime();
        if (now - lastDraw < 200_000_000L && done < total) return;
        lastDraw = now;
        drawn = true;
        Duration elapsed = Duration.ofNanos(now - start);
        StringBuilder line = new StringBuilder("\r\033[K").append(label).append(' ');
        if (total > 0) {
            int width = 30;
            int filled = (int) (width * Math.min(done, total) / total);
            line.append('[').append("#".repeat(filled)).append(" ".repeat(width - filled)).append("] ");
            line.append(String.format("%,d/%,d", done, total));
            if (done > 0 && done < total) {
                long remaining = elapsed.toMillis() * (total - done) / done;
                line.append(" eta ").append(fmt(Duration.ofMillis(remaining)));
            }
        } else {
            line.append(String.format("%,d", done));
        }
        line.append(" elapsed ").append(fmt(elapsed));
        if (current != null) line.append(' ').append(current);
        err.print(line);
        err.flush();
    }

    private static String fmt(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }

    @Override
    public synchronized void close() {
        if (drawn) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
