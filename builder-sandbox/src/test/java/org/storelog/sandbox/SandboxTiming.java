package org.storelog.sandbox;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Measures sandbox set-up plus tear-down inside one JVM: {@link SandboxRunner#run} of a builder
 * that does nothing ({@code busybox true}), fresh scratch and build directories each time.
 * Not a test (no timing assertions); run it by hand:
 *
 * <pre>
 *   mvn -o -q -B -pl builder-sandbox -am test-compile
 *   /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -cp builder-sandbox/target/classes:builder-sandbox/target/test-classes \
 *       org.storelog.sandbox.SandboxTiming [ROUNDS]
 * </pre>
 */
public final class SandboxTiming {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path tmp = Files.createTempDirectory("sandbox-timing");
        Path busybox = TestBuilds.busyboxInput(tmp);
        SandboxRunner runner = new SandboxRunner();
        int warmup = Math.max(10, rounds / 10);
        long[] nanos = new long[rounds];
        long[] bare = new long[rounds];
        for (int i = -warmup; i < rounds; i++) {
            Path round = tmp.resolve("r" + (i + warmup));
            SandboxRequest r = SandboxRequest.builder(TestBuilds.STORE)
                    .input(TestBuilds.BUSYBOX, busybox)
                    .output(TestBuilds.OUT)
                    .scratchDir(round.resolve("scratch")).buildDir(round.resolve("build"))
                    .builder(TestBuilds.BUSYBOX + "/busybox", "true")
                    .build();
            long t0 = System.nanoTime();
            SandboxResult res = runner.run(r, OutputStream.nullOutputStream());
            long t = System.nanoTime() - t0;
            if (res.exitCode() != 0) throw new IllegalStateException("build failed: " + res.describe());
            // The floor: the same bwrap command alone, its directories already in place.
            SandboxRunner.prepare(r, java.util.Optional.empty());
            long t1 = System.nanoTime();
            Process p = new ProcessBuilder(BwrapCommand.argv(r, "bwrap")).redirectErrorStream(true).start();
            p.getInputStream().transferTo(OutputStream.nullOutputStream());
            p.waitFor();
            long tb = System.nanoTime() - t1;
            SandboxRunner.cleanUp(r);
            if (i >= 0) {
                nanos[i] = t;
                bare[i] = tb;
            }
        }
        OutputCanonicalizer.delete(tmp);
        print("SandboxRunner.run (set-up + 'true' + tear-down)", nanos);
        print("bare bwrap process (floor)", bare);
        System.out.printf("load average: %s%n", Files.readString(Path.of("/proc/loadavg")).strip());
    }

    private static void print(String what, long[] nanos) {
        Arrays.sort(nanos);
        int n = nanos.length;
        System.out.printf("%-48s %d rounds: mean %.2f ms, median %.2f ms, p90 %.2f ms, min %.2f ms%n", what, n,
                Arrays.stream(nanos).average().orElse(0) / 1e6, nanos[n / 2] / 1e6, nanos[n * 9 / 10] / 1e6, nanos[0] / 1e6);
    }
}
