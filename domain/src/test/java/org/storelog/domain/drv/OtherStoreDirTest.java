package org.storelog.domain.drv;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.storelog.domain.hash.Hash;
import org.storelog.domain.store.FileIngestionMethod;
import org.storelog.domain.store.StoreDir;
import org.storelog.domain.store.StorePath;
import org.storelog.testsupport.ExternalTools;

/**
 * Derivations built in code and filled in by {@link OutputPaths#fill} (what {@code audit drv create}
 * will do) get the paths Nix computes, in a store directory other than {@code /nix/store}.
 * Nix runs with {@code NIX_STORE_DIR} in read-only mode, so it writes nothing.
 */
class OtherStoreDirTest {
    private static final StoreDir DIR = StoreDir.of("/tmp/storelog-other/store");

    private static List<String> nixEval(String expr) {
        ExternalTools.require("nix-instantiate");
        ExternalTools.Result r = ExternalTools.run(List.of("nix-instantiate", "--readonly-mode", "--eval", "--strict", "-E", expr),
                null, Map.of("NIX_STORE_DIR", DIR.path()), null).ok();
        String out = r.out().strip();
        return List.of(out.substring(1, out.length() - 1).strip().replace("\"", "").split(" +"));
    }

    private static Derivation blank(String name, List<String> outputs, List<String> args, Map<String, String> extraEnv,
                                    Map<StorePath, List<String>> inputDrvs) {
        Map<String, DerivationOutput> outs = new HashMap<>();
        outputs.forEach(o -> outs.put(o, DerivationOutput.deferred()));
        Map<String, String> env = new TreeMap<>(extraEnv);
        env.put("name", name);
        env.put("system", "x86_64-linux");
        env.put("builder", "/bin/sh");
        if (!outputs.equals(List.of("out"))) env.put("outputs", String.join(" ", outputs));
        return Derivation.of(name, outs, inputDrvs, List.of(), "x86_64-linux", "/bin/sh", args, env);
    }

    @Test
    void filledDerivations_getNixsDrvAndOutputPaths_inAnotherStoreDir() {
        List<String> nix = nixEval("""
                let
                  dep = derivation { name = "dep"; system = "x86_64-linux"; builder = "/bin/sh";
                                     args = [ "-c" "say \\"hi\\"\\n" ]; outputs = [ "out" "dev" ]; };
                  fixed = derivation { name = "src"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "x" ];
                                       outputHashMode = "recursive"; outputHashAlgo = "sha256";
                                       outputHash = "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"; };
                  top = derivation { name = "top"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "y" ];
                                     a = "${dep.dev}"; b = "${fixed}"; };
                in [ dep.drvPath dep.out.outPath dep.dev.outPath fixed.drvPath fixed.outPath top.drvPath top.outPath ]
                """);

        Map<StorePath, Derivation> made = new HashMap<>();
        DerivationHasher hasher = new DerivationHasher(DIR, made::get);

        Derivation dep = OutputPaths.fill(blank("dep", List.of("out", "dev"), List.of("-c", "say \"hi\"\n"), Map.of(), Map.of()), hasher);
        StorePath depDrv = OutputPaths.drvPath(DIR, dep);
        made.put(depDrv, dep);
        assertEquals(nix.get(0), depDrv.absolute(DIR));
        assertEquals(nix.get(1), dep.outputs().get("out").path().orElseThrow().absolute(DIR));
        assertEquals(nix.get(2), dep.outputs().get("dev").path().orElseThrow().absolute(DIR));

        Hash h = Hash.parse("sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s");
        Derivation fixedBlank = blank("src", List.of("out"), List.of("-c", "x"),
                Map.of("outputHashMode", "recursive", "outputHashAlgo", "sha256", "outputHash", h.toNix32()), Map.of());
        Derivation fixed = OutputPaths.fill(fixedBlank.withOutputs(
                Map.of("out", DerivationOutput.fixed(Optional.empty(), FileIngestionMethod.RECURSIVE, h))), hasher);
        StorePath fixedDrv = OutputPaths.drvPath(DIR, fixed);
        made.put(fixedDrv, fixed);
        assertEquals(nix.get(3), fixedDrv.absolute(DIR));
        assertEquals(nix.get(4), fixed.outputs().get("out").path().orElseThrow().absolute(DIR));

        Derivation top = OutputPaths.fill(blank("top", List.of("out"), List.of("-c", "y"),
                Map.of("a", dep.outputs().get("dev").path().orElseThrow().absolute(DIR),
                        "b", fixed.outputs().get("out").path().orElseThrow().absolute(DIR)),
                Map.of(depDrv, List.of("dev"), fixedDrv, List.of("out"))), hasher);
        assertEquals(nix.get(5), OutputPaths.drvPath(DIR, top).absolute(DIR));
        assertEquals(nix.get(6), top.outputs().get("out").path().orElseThrow().absolute(DIR));
    }
}
