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
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.storelog.domain.store.StoreDir;
import org.storelog.domain.store.StorePath;
import org.storelog.testsupport.ExternalTools;

/**
 * Golden {@code .drv} files written by real {@code nix-instantiate} from the expressions in
 * {@code golden/drv-src/}, stored under {@code golden/drv/} named by their store path, each with
 * a {@code .paths} sidecar ({@code drv PATH} and {@code output NAME PATH} lines from
 * {@code nix-instantiate} and {@code nix-store -q --outputs}) and a {@code .json} sidecar (what
 * {@code nix show-derivation} prints, used by the CLI tests). Regenerate with
 * {@code mvn -o -B -pl domain verify -Dtest=GoldenDrvTest -Dgolden.accept=true}.
 */
class GoldenDrvTest {
    private static final StoreDir NIX = StoreDir.DEFAULT;
    private static final Path SRC = Path.of("src/test/resources/golden/drv-src");
    private static final Path GOLDEN = Path.of("src/test/resources/golden/drv");

    @BeforeAll
    static void acceptIfAsked() throws IOException {
        if (!Boolean.getBoolean("golden.accept")) return;
        ExternalTools.require("nix-instantiate");
        try (Stream<Path> old = Files.list(GOLDEN)) {
            for (Path p : old.toList()) Files.delete(p);
        }
        List<Path> exprs;
        try (Stream<Path> s = Files.list(SRC)) {
            exprs = s.filter(p -> p.toString().endsWith(".nix")).sorted().toList();
        }
        for (Path expr : exprs) {
            String printed = ExternalTools.run(List.of("nix-instantiate", expr.toAbsolutePath().toString())).ok().out().strip();
            String top = printed.contains("!") ? printed.substring(0, printed.indexOf('!')) : printed;
            String closure = ExternalTools.run(List.of("nix-store", "-qR", top)).ok().out();
            for (String drv : closure.lines().filter(l -> l.endsWith(".drv")).toList()) {
                Path name = Path.of(drv).getFileName();
                Files.copy(Path.of(drv), GOLDEN.resolve(name));
                StringBuilder side = new StringBuilder("drv " + drv + "\n");
                for (String out : ExternalTools.run(List.of("nix-store", "-q", "--outputs", drv)).ok().out().lines().toList()) {
                    String outputName = outputNameOf(drv, out);
                    side.append("output ").append(outputName).append(' ').append(out).append('\n');
                }
                Files.writeString(GOLDEN.resolve(name + ".paths"), side.toString());
                String json = ExternalTools.run(List.of("nix", "--extra-experimental-features", "nix-command",
                        "show-derivation", drv)).ok().out();
                Files.writeString(GOLDEN.resolve(name + ".json"), json);
            }
        }
    }

    /** {@code nix-store -q --outputs} prints paths only; the output name is the path name minus the drv name. */
    private static String outputNameOf(String drv, String out) {
        String drvName = DrvFiles.nameFromFileName(Path.of(drv).getFileName().toString());
        String outName = StorePath.fromBaseName(Path.of(out).getFileName().toString()).name();
        return outName.equals(drvName) ? "out" : outName.substring(drvName.length() + 1);
    }

    @TestFactory
    Stream<DynamicTest> goldenDrv_roundTripsAndReproducesNixPaths() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(GOLDEN)) {
            files = s.filter(p -> p.toString().endsWith(".drv")).sorted().toList();
        }
        assertTrue(files.size() >= 8, "expected the golden set, found " + files);
        DerivationHasher hasher = new DerivationHasher(NIX, DrvFiles.resolver(NIX, List.of(GOLDEN)));
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : files) {
            tests.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
                byte[] bytes = Files.readAllBytes(f);
                Derivation d = DrvFiles.read(NIX, f);
                assertEquals(new String(bytes, StandardCharsets.UTF_8), ATermWriter.write(NIX, d), "parse then print");

                String drvLine = null;
                Map<String, StorePath> outputs = new TreeMap<>();
                for (String line : Files.readAllLines(Path.of(f + ".paths"))) {
                    String[] w = line.split(" ");
                    if (w[0].equals("drv")) drvLine = w[1];
                    else outputs.put(w[1], StorePath.parse(NIX, w[2]));
                }
                assertEquals(drvLine, OutputPaths.drvPath(NIX, d).absolute(NIX), "drv path");
                assertEquals(NIX.resolve(f.getFileName().toString()), drvLine, "file named by store path");
                assertEquals(outputs, new TreeMap<>(OutputPaths.compute(d, hasher)), "output paths");
            }));
        }
        return tests.stream();
    }
}
