package org.storelog.sandbox;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wall time spent per named phase of builds, summed over threads, for finding where a build's time
 * goes. Off unless the system property {@code storelog.phases} is set; then the totals are printed
 * to stderr when the JVM exits. Costs one volatile read per probe when off.
 */
public final class PhaseClock {
    private static final boolean ON = System.getProperty("storelog.phases") != null;
    private static final Map<String, LongAdder[]> TOTALS = new ConcurrentSkipListMap<>();

    static {
        if (ON) Runtime.getRuntime().addShutdownHook(new Thread(PhaseClock::print));
    }

    private PhaseClock() {}

    /** A start time for {@link #end}, or 0 when off. */
    public static long start() { return ON ? System.nanoTime() : 0; }

    /** Adds the time since {@code start} to {@code phase}; returns now, to chain phases. */
    public static long end(String phase, long start) {
        if (!ON) return 0;
        long now = System.nanoTime();
        LongAdder[] a = TOTALS.computeIfAbsent(phase, k -> new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder()});
        a[0].add(now - start);
        a[1].increment();
        synchronized (a) {
            if (now - start > a[2].sum()) a[2].add(now - start - a[2].sum());
        }
        return now;
    }

    private static void print() {
        StringBuilder b = new StringBuilder("phase                              total ms   count   mean ms    max ms\n");
        TOTALS.forEach((k, v) -> b.append(String.format("%-32s %10.1f %7d %9.2f %9.2f%n", k, v[0].sum() / 1e6, v[1].sum(),
                v[0].sum() / 1e6 / Math.max(1, v[1].sum()), v[2].sum() / 1e6)));
        System.err.print(b);
    }
}
