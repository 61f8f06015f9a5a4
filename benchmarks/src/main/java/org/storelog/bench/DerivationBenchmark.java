package org.storelog.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.storelog.domain.drv.ATermParser;
import org.storelog.domain.drv.ATermWriter;
import org.storelog.domain.drv.Derivation;
import org.storelog.domain.drv.DerivationOutput;
import org.storelog.domain.drv.OutputPaths;
import org.storelog.domain.hash.NixBase32;
import org.storelog.domain.store.StoreDir;
import org.storelog.domain.store.StorePath;

/**
 * Throughput of {@code .drv} parsing and printing ({@link ATermParser}, {@link ATermWriter}).
 *
 * <p>Run (after {@code mvn -o -q -B -pl benchmarks -am package -DskipTests}):
 * <pre>
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar benchmarks/target/benchmarks.jar DerivationBenchmark \
 *     -f 1 -wi 2 -w 2s -i 3 -r 2s
 * </pre>
 * {@code shape}: {@code small} is a one-output derivation like a trivial busybox build (~0.5 KB);
 * {@code large} has 3 outputs, 40 input derivations, 30 sources, 300 environment variables
 * with escapes and non-ASCII text (~60 KB), about the size of a stdenv-based package's .drv.
 * The inputs are built in code and printed by our writer: they exercise speed, not correctness
 * (correctness is tested against real Nix in the domain module).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DerivationBenchmark {
    private static final StoreDir DIR = StoreDir.DEFAULT;

    @Param({"small", "large"})
    public String shape;

    private String text;
    private byte[] bytes;
    private Derivation drv;

    @Setup
    public void setup() {
        drv = shape.equals("small") ? build(new Random(1), 1, 0, 1, 4) : build(new Random(2), 3, 40, 30, 300);
        text = ATermWriter.write(DIR, drv);
        bytes = text.getBytes(StandardCharsets.UTF_8);
    }

    /** UTF-8 bytes to {@link Derivation}. */
    @Benchmark
    public Derivation parse() { return ATermParser.parse(DIR, "bench", bytes); }

    /** {@link Derivation} to text. */
    @Benchmark
    public String print() { return ATermWriter.write(DIR, drv); }

    /** Bytes to derivation and back to text: what a round-trip check costs. */
    @Benchmark
    public String parseAndPrint() { return ATermWriter.write(DIR, ATermParser.parse(DIR, "bench", bytes)); }

    /** Print plus SHA-256 text path: the {@code .drv}'s own store path. */
    @Benchmark
    public StorePath drvPath() { return OutputPaths.drvPath(DIR, drv); }

    /** Size of the benchmarked text, for turning ops/s into bytes/s. */
    public int size() { return bytes.length; }

    static Derivation build(Random rnd, int outputs, int inputDrvs, int srcs, int envVars) {
        TreeMap<String, DerivationOutput> outs = new TreeMap<>();
        String[] names = {"out", "dev", "lib", "bin", "doc"};
        TreeMap<String, String> env = new TreeMap<>();
        for (int i = 0; i < outputs; i++) {
            StorePath p = path(rnd, "bench" + (i == 0 ? "" : "-" + names[i]));
            outs.put(names[i], DerivationOutput.inputAddressed(p));
            env.put(names[i], p.absolute(DIR));
        }
        TreeMap<StorePath, SortedSet<String>> in = new TreeMap<>();
        for (int i = 0; i < inputDrvs; i++) {
            TreeSet<String> o = new TreeSet<>(List.of("out"));
            if (i % 3 == 0) o.add("dev");
            in.put(path(rnd, "input-" + i + ".drv"), o);
        }
        TreeSet<StorePath> src = new TreeSet<>();
        for (int i = 0; i < srcs; i++) src.add(path(rnd, "source-" + i + ".sh"));
        for (int i = 0; i < envVars; i++)
            env.put("VAR_" + i, "value " + i + " with \"quotes\", a \\ backslash,\n\ta tab line, and café ünïcödé "
                    + "x".repeat(rnd.nextInt(200)));
        List<String> args = new ArrayList<>(List.of("-e", "/nix/store/9krlzvny65gdc8s7kpb6lkx8cd02c25b-default-builder.sh"));
        return new Derivation("bench", outs, in, src, "x86_64-linux",
                "/nix/store/r9zgkzc5zab416qddj283jlsvp18ydzr-busybox-static/busybox", args, env);
    }

    private static StorePath path(Random rnd, String name) {
        byte[] h = new byte[20];
        rnd.nextBytes(h);
        return StorePath.fromBaseName(NixBase32.encode(h) + "-" + name);
    }
}
