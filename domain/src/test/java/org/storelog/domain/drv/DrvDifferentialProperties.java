package org.storelog.domain.drv;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.storelog.domain.store.StoreDir;
import org.storelog.domain.store.StorePath;
import org.storelog.testsupport.ExternalTools;

/**
 * Differential: random derivations written as Nix expressions are instantiated by the real
 * {@code nix-instantiate}; we must reproduce the {@code .drv} text (parse then print), its
 * store path, and every output path (computed from scratch and filled in as Nix fills them in).
 */
class DrvDifferentialProperties {
    private static final StoreDir NIX = StoreDir.DEFAULT;
    private static final List<String> TOKENS = List.of("a", "Z", "09", " ", "\"", "\\", "\n", "\t", "\r", "$", "${",
            "{", "}", "é", "日本", "\uD83D\uDE00", "\uE000", "-", "=", "''", "\\n", "/");

    @BeforeContainer
    static void needsNix() {
        ExternalTools.require("nix-instantiate");
        ExternalTools.require("/usr/bin/busybox");
    }

    @Property(tries = 30, shrinking = ShrinkingMode.BOUNDED)
    void nixInstantiatedDrv_isReproducedTextPathAndOutputs(@ForAll("derivations") NixDrvExpr expr) throws IOException {
        Statistics.label("top-level fixed").collect(expr.fixed() == null ? "no" : expr.fixed().mode() + " " + expr.fixed().algo());
        Statistics.label("outputs").collect(expr.outputNames().size());
        Statistics.label("input derivations").collect(expr.deps().size());
        Statistics.label("fixed input derivation").collect(expr.deps().stream().anyMatch(x -> x.drv().fixed() != null));
        Path dir = Files.createTempDirectory("drv-prop");
        try {
            Path file = dir.resolve("default.nix");
            Files.writeString(file, expr.toNixFile(), StandardCharsets.UTF_8);
            ExternalTools.Result r = ExternalTools.run(List.of("nix-instantiate", file.toString()), dir, Map.of(), null);
            assertEquals(0, r.exit(), () -> "nix-instantiate failed: " + r.stderr() + "\n" + expr.toNixFile());
            String printed = r.out().strip();
            // nix-instantiate prints DRV!OUTPUT when the default output is not "out"
            String drvPathText = printed.contains("!") ? printed.substring(0, printed.indexOf('!')) : printed;
            StorePath drvPath = StorePath.parse(NIX, drvPathText);
            byte[] bytes = Files.readAllBytes(Path.of(drvPathText));

            Derivation d = DrvFiles.read(NIX, Path.of(drvPathText));
            assertEquals(new String(bytes, StandardCharsets.UTF_8), ATermWriter.write(NIX, d), "parse then print");
            assertEquals(drvPath, OutputPaths.drvPath(NIX, d), ".drv store path");

            DerivationHasher hasher = new DerivationHasher(NIX, DrvFiles.resolver(NIX, List.of(Path.of(NIX.path()))));
            Map<String, StorePath> stated = new TreeMap<>();
            d.outputs().forEach((k, v) -> stated.put(k, v.path().orElseThrow()));
            assertEquals(stated, new TreeMap<>(OutputPaths.compute(d, hasher)), "output paths");

            TreeMap<String, DerivationOutput> blank = new TreeMap<>();
            TreeMap<String, String> env = new TreeMap<>(d.env());
            d.outputs().forEach((k, v) -> {
                blank.put(k, v.withoutPath());
                env.put(k, "");
            });
            Derivation filled = OutputPaths.fill(d.withOutputs(blank).withEnv(env), hasher);
            assertEquals(new String(bytes, StandardCharsets.UTF_8), ATermWriter.write(NIX, filled), "filled in as Nix does");
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Provide
    Arbitrary<NixDrvExpr> derivations() { return expr(2); }

    private Arbitrary<NixDrvExpr> expr(int depth) {
        Arbitrary<String> name = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(1)
                .flatMap(first -> Arbitraries.strings().withCharRange('a', 'z').numeric().withChars("+-._?=")
                        .ofMaxLength(12).map(rest -> first + rest));
        Arbitrary<String> system = Arbitraries.of("x86_64-linux", "aarch64-linux", "i686-linux", "my system");
        Arbitrary<List<String>> outputs = Arbitraries.of("out", "dev", "lib", "bin", "doc", "man")
                .list().uniqueElements().ofMinSize(2).ofMaxSize(4).injectNull(0.3);
        Arbitrary<NixDrvExpr.Fixed> fixed = Combinators.combine(
                        Arbitraries.of("flat", "recursive"), Arbitraries.of("sha1", "sha256", "sha512"),
                        Arbitraries.bytes().array(byte[].class).ofSize(64))
                .as((mode, algo, bytes) -> new NixDrvExpr.Fixed(mode, algo, java.util.Arrays.copyOf(bytes,
                        switch (algo) { case "sha1" -> 20; case "sha256" -> 32; default -> 64; })))
                .injectNull(0.6);
        Arbitrary<List<String>> args = text().list().ofMaxSize(3);
        Arbitrary<Map<String, String>> env = Arbitraries.maps(text().map(k -> "v" + k), text()).ofMaxSize(5);
        Arbitrary<List<NixDrvExpr.Dep>> deps = depth == 0 ? Arbitraries.just(List.of())
                : expr(depth - 1).flatMap(e -> Arbitraries.of(e.outputNames()).map(o -> new NixDrvExpr.Dep(e, o)))
                        .list().ofMaxSize(depth == 2 ? 3 : 1);
        return Combinators.combine(name, system, outputs, fixed, args, env, deps)
                .as((n, s, o, f, a, e, d) -> new NixDrvExpr(n, s, o, f, a, e, d));
    }

    private static Arbitrary<String> text() {
        return Arbitraries.of(TOKENS).list().ofMaxSize(6).map(l -> String.join("", new ArrayList<>(l)));
    }
}
