package org.storelog.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Draws progress on stderr when it is a terminal: a bar with done/total, the current item,
 * elapsed and remaining time (from the mean time per item so far), redrawn at most every 200 ms.
 * Prints nothing otherwise. Lines printed through {@link #above()} scroll above the bar.
 */
final class Progress implements org.storelog.app.Progress {
    private final String label;
    private final PrintStream err;
    private final LongSupplier clock;
    private final long start;
    private long total = -1;
    private long lastDraw;
    private boolean drawn;
    private String line = "";
    private long done;
    private String current;

    private Progress(String label) { this(label, System.err, System::nanoTime); }

    /** A bar drawn on {@code err}, timed by {@code clock} (nanoseconds, as {@link System#nanoTime}). */
    Progress(String label, PrintStream err, LongSupplier clock) {
        this.label = label;
        this.err = err;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.lastDraw = start - 1_000_000_000L;
    }

    /** A bar when stderr is a terminal, otherwise {@link org.storelog.app.Progress#NONE}. */
    static org.storelog.app.Progress forTerminal(String label) {
        return onTerminal() ? new Progress(label) : org.storelog.app.Progress.NONE;
    }

    /** Stderr is an interactive terminal: a console, a usable {@code TERM}, and fd 2 not redirected. */
    static boolean onTerminal() {
        if (System.console() == null || System.getenv("TERM") == null || "dumb".equals(System.getenv("TERM"))) return false;
        try {
            String fd2 = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return fd2.startsWith("/dev/pts/") || fd2.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return true; // no /proc: trust the console
        }
    }

    @Override public void total(long total) { this.total = total; }

    @Override
    public synchronized void step(long done, String current) {
        this.done = done;
        this.current = current;
        long now = clock.getAsLong();
        if (now - lastDraw < 200_000_000L && done < total) return;
        lastDraw = now;
        drawn = true;
        line = render(label, done, total, current, Duration.ofNanos(now - start));
        err.print("\r\033[K" + line);
        err.flush();
    }

    /** The bar as of now, from the latest step (also one that was too soon to draw). */
    private String redraw() {
        line = render(label, done, total, current, Duration.ofNanos(clock.getAsLong() - start));
        return line;
    }

    /**
     * One bar: {@code label [#####     ] done/total current elapsed m:ss eta m:ss}; the remaining
     * time is the mean time per finished item times the items left, shown once one has finished.
     */
    static String render(String label, long done, long total, String current, Duration elapsed) {
        StringBuilder line = new StringBuilder(label).append(' ');
        if (total > 0) {
            int width = 30;
            int filled = (int) (width * Math.min(done, total) / total);
            line.append('[').append("#".repeat(filled)).append(" ".repeat(width - filled)).append("] ");
            line.append(String.format("%,d/%,d", done, total));
        } else {
            line.append(String.format("%,d", done));
        }
        line.append(" elapsed ").append(fmt(elapsed));
        if (total > 0 && done > 0 && done < total)
            line.append(" eta ").append(fmt(Duration.ofMillis(elapsed.toMillis() * (total - done) / done)));
        if (current != null && !current.isEmpty()) line.append(' ').append(current);
        return line.toString();
    }

    static String fmt(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }

    /** A stream whose lines are printed above the bar: the bar is erased, the line written, the bar drawn again. */
    PrintStream above() {
        return new PrintStream(new OutputStream() {
            private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();

            @Override public void write(int b) {
                synchronized (Progress.this) {
                    if (b != '\n') {
                        buf.write(b);
                        return;
                    }
                    String text = buf.toString(StandardCharsets.UTF_8);
                    buf.reset();
                    err.print((drawn ? "\r\033[K" : "") + text + "\n" + (drawn ? redraw() : ""));
                    err.flush();
                }
            }
        }, true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        if (drawn) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
