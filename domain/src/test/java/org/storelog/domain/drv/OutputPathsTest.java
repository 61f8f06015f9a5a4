package org.storelog.domain.drv;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.storelog.domain.hash.Hash;
import org.storelog.domain.store.FileIngestionMethod;
import org.storelog.domain.store.StoreDir;
import org.storelog.domain.store.StorePath;

/** hashDerivationModulo and output path rules, on the golden files written by nix-instantiate. */
class OutputPathsTest {
    private static final StoreDir NIX = StoreDir.DEFAULT;
    private static final Path GOLDEN = Path.of("src/test/resources/golden/drv");
    private static final String USES_FIXED = "igg2vq5gacsmp5wsmxrbb8j9xv5bkxbj-golden-uses-fixed.drv";
    private static final String FIXED_FLAT = "31hwhs1xk386d3r5q93518dd73l5pb7n-golden-fixed-flat-sha256.drv";
    private static final String APP = "dsp72pk9njdcar2ab5lbhj0zy2vm4g3d-golden-app.drv";
    private static final String LIB = "0cj4nbyinnwp9jp93acfw639b7n8n6qs-golden-lib.drv";

    private static Derivation golden(String f) throws IOException { return DrvFiles.read(NIX, GOLDEN.resolve(f)); }

    private static Function<StorePath, Derivation> goldenResolver() { return DrvFiles.resolver(NIX, List.of(GOLDEN)); }

    @Test
    void fixedOutputInput_changingHowItIsBuilt_doesNotChangeDownstreamOutputs() throws IOException {
        Derivation fixed = golden(FIXED_FLAT);
        Derivation rebuiltDifferently = new Derivation(fixed.name(), fixed.outputs(), fixed.inputDrvs(), fixed.inputSrcs(),
                fixed.platform(), fixed.builder(), List.of("sh", "-ec", "echo other way > $out"), fixed.env());
        DerivationHasher h = new DerivationHasher(NIX, p -> null);
        assertEquals(h.hashModulo(fixed, false), h.hashModulo(rebuiltDifferently, false));

        StorePath fixedPath = StorePath.fromBaseName(FIXED_FLAT);
        Function<StorePath, Derivation> swapped = p -> p.equals(fixedPath) ? rebuiltDifferently : goldenResolver().apply(p);
        Derivation user = golden(USES_FIXED);
        assertEquals(OutputPaths.compute(user, new DerivationHasher(NIX, goldenResolver())),
                OutputPaths.compute(user, new DerivationHasher(NIX, swapped)));
    }

    @Test
    void fixedOutputHash_isShaOfFixedOutLine() throws IOException {
        Derivation fixed = golden(FIXED_FLAT);
        DerivationOutput out = fixed.outputs().get("out");
        String line = "fixed:out:" + out.hashAlgo() + ":" + out.hash() + ":" + out.path().orElseThrow().absolute(NIX);
        assertEquals(Map.of("out", Hash.sha256(line.getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                new DerivationHasher(NIX, p -> null).hashModulo(fixed, true));
    }

    @Test
    void inputAddressedInput_changingArgs_changesDownstreamOutputs() throws IOException {
        Derivation lib = golden(LIB);
        Derivation libChanged = new Derivation(lib.name(), lib.outputs(), lib.inputDrvs(), lib.inputSrcs(), lib.platform(),
                lib.builder(), List.of("sh", "-ec", "true"), lib.env());
        StorePath libPath = StorePath.fromBaseName(LIB);
        Derivation app = golden(APP);
        assertNotEquals(OutputPaths.compute(app, new DerivationHasher(NIX, goldenResolver())),
                OutputPaths.compute(app, new DerivationHasher(NIX, p -> p.equals(libPath) ? libChanged : null)));
    }

    @Test
    void inputDerivations_areResolvedOnceEach() throws IOException {
        List<StorePath> asked = new ArrayList<>();
        Function<StorePath, Derivation> counting = p -> {
            asked.add(p);
            return goldenResolver().apply(p);
        };
        DerivationHasher h = new DerivationHasher(NIX, counting);
        Derivation user = golden(USES_FIXED);
        OutputPaths.compute(user, h);
        OutputPaths.compute(user, h);
        assertEquals(3, asked.size(), asked.toString());
        assertEquals(3, new java.util.HashSet<>(asked).size());
    }

    @Test
    void fill_fixedOutput_setsPathAndOutEnv() throws IOException {
        Derivation fixed = golden(FIXED_FLAT);
        TreeMap<String, String> env = new TreeMap<>(fixed.env());
        env.remove("out");
        Derivation blank = fixed.withOutputs(Map.of("out", fixed.outputs().get("out").withoutPath())).withEnv(env);
        Derivation filled = OutputPaths.fill(blank, new DerivationHasher(NIX, p -> null));
        assertEquals(ATermWriter.write(NIX, fixed), ATermWriter.write(NIX, filled));
    }

    @Test
    void fill_multipleOutputs_matchesNix() throws IOException {
        Derivation app = golden(APP);
        Map<String, DerivationOutput> blank = new HashMap<>();
        app.outputs().keySet().forEach(k -> blank.put(k, DerivationOutput.deferred()));
        Derivation filled = OutputPaths.fill(app.withOutputs(blank), new DerivationHasher(NIX, goldenResolver()));
        assertEquals(ATermWriter.write(NIX, app), ATermWriter.write(NIX, filled));
    }

    @Test
    void fixedOutputBuiltFromScratch_getsNixsPath() throws IOException {
        Derivation fixed = golden(FIXED_FLAT);
        DerivationOutput stated = fixed.outputs().get("out");
        DerivationOutput rebuilt = DerivationOutput.fixed(Optional.empty(), FileIngestionMethod.FLAT, stated.fixedHash());
        assertEquals(stated.hashAlgo(), rebuilt.hashAlgo());
        assertEquals(stated.hash(), rebuilt.hash());
        assertEquals(stated.path().orElseThrow(), OutputPaths.compute(fixed.withOutputs(Map.of("out", rebuilt)),
                new DerivationHasher(NIX, p -> null)).get("out"));
    }

    @Test
    void mixedFixedAndInputAddressedOutputs_areRejected() throws IOException {
        Derivation app = golden(APP);
        Derivation fixed = golden(FIXED_FLAT);
        Map<String, DerivationOutput> outs = new HashMap<>(app.outputs());
        outs.put("out", fixed.outputs().get("out"));
        var e = assertThrows(InvalidDerivationException.class,
                () -> OutputPaths.compute(app.withOutputs(outs), new DerivationHasher(NIX, goldenResolver())));
        assertTrue(e.reason().contains("only output"), e.reason());
    }

    @Test
    void inputOutputThatDoesNotExist_isRejected() throws IOException {
        Derivation app = golden(APP);
        StorePath lib = StorePath.fromBaseName(LIB);
        Derivation bad = Derivation.of(app.name(), app.outputs(), Map.of(lib, List.of("nope")), app.inputSrcs(),
                app.platform(), app.builder(), app.args(), app.env());
        var e = assertThrows(InvalidDerivationException.class,
                () -> OutputPaths.compute(bad, new DerivationHasher(NIX, goldenResolver())));
        assertTrue(e.reason().contains("has no output 'nope'"), e.reason());
    }

    @Test
    void missingInputDerivation_isReported() throws IOException {
        Derivation app = golden(APP);
        var e = assertThrows(InvalidDerivationException.class,
                () -> OutputPaths.compute(app, new DerivationHasher(NIX, DrvFiles.resolver(NIX, List.of(Path.of("/nonexistent"))))));
        assertTrue(e.reason().contains("not found"), e.reason());
    }

    @Test
    void drvPath_referencesInputsAndSources() throws IOException {
        Derivation app = golden(APP);
        assertEquals(APP, OutputPaths.drvPath(NIX, app).baseName());
        assertTrue(app.references().contains(StorePath.fromBaseName(LIB)));
    }
}
