package org.storelog.sandbox;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * How a sandboxed build ended.
 *
 * @param exitCode      exit status reported by bubblewrap (the builder's own, or 128+N if the
 *                      builder died from signal N, or 137 when the runner killed the sandbox)
 * @param signal        the signal that ended the builder, when known: SIGKILL (9) if the runner
 *                      killed it, otherwise inferred from bwrap's 128+N convention
 * @param timedOut      killed because the overall timeout was reached
 * @param silenceExceeded killed because the builder wrote nothing for max-silent-time
 * @param duration      wall-clock time from start to the end of the sandbox
 */
public record SandboxResult(int exitCode, OptionalInt signal, boolean timedOut, boolean silenceExceeded,
                            Duration duration) {
    public static final int SIGKILL = 9;

    /** The builder exited with status 0 and was not killed. */
    public boolean succeeded() { return exitCode == 0 && !timedOut && !silenceExceeded; }

    /** One line for logs and build records, e.g. {@code exit 0 in 12 ms} or {@code timed out after 2000 ms}. */
    public String describe() {
        long ms = duration.toMillis();
        if (timedOut) return "timed out after " + ms + " ms";
        if (silenceExceeded) return "killed after " + ms + " ms without output";
        if (signal.isPresent()) return "killed by signal " + signal.getAsInt() + " after " + ms + " ms";
        return "exit " + exitCode + " in " + ms + " ms";
    }
}
