package org.storelog.domain.drv;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.storelog.domain.hash.Hash;
import org.storelog.domain.store.StoreDir;
import org.storelog.domain.store.StorePath;
import org.storelog.domain.store.StorePaths;

/**
 * Output paths and the {@code .drv} path of a derivation, as Nix 2.8's {@code derivationStrict}
 * ({@code src/libexpr/primops.cc}) and {@code writeDerivation} ({@code src/libstore/derivations.cc})
 * compute them.
 */
public final class OutputPaths {
    private OutputPaths() {}

    /** The paths of all outputs, computed (not read) from {@code drv} and its inputs. */
    public static SortedMap<String, StorePath> compute(Derivation drv, DerivationHasher hasher) {
        StoreDir dir = hasher.storeDir();
        SortedMap<String, StorePath> result = new TreeMap<>(ByteOrder.UTF8);
        if (drv.isFixedOutput()) {
            result.put("out", fixedOutputPath(dir, drv));
        } else {
            Map<String, Hash> h = hasher.hashModulo(drv, true);
            for (String name : drv.outputs().keySet())
                result.put(name, hasher.outputPath(drv, name, h.get(name)));
        }
        return Collections.unmodifiableSortedMap(result);
    }

    /** Every output's stated and computed path, in output name order. */
    public static java.util.List<OutputCheck> check(Derivation drv, DerivationHasher hasher) {
        SortedMap<String, StorePath> computed = compute(drv, hasher);
        java.util.List<OutputCheck> result = new java.util.ArrayList<>();
        computed.forEach((name, p) -> result.add(new OutputCheck(name, drv.outputs().get(name).path(), p)));
        return java.util.List.copyOf(result);
    }

    /**
     * Fills in output paths and the output-named environment variables of a derivation whose
     * outputs have no paths yet, as {@code nix-instantiate} does: a fixed output gets its
     * content-addressed path; otherwise every output env var is blanked, the masked derivation
     * hashed, and each output gets {@code makeOutputPath(name, hash, drvName)}.
     */
    public static Derivation fill(Derivation drv, DerivationHasher hasher) {
        StoreDir dir = hasher.storeDir();
        TreeMap<String, String> env = new TreeMap<>(drv.env());
        TreeMap<String, DerivationOutput> outs = new TreeMap<>();
        if (drv.isFixedOutput()) {
            StorePath p = fixedOutputPath(dir, drv);
            env.put("out", p.absolute(dir));
            outs.put("out", drv.outputs().get("out").withPath(p));
            return drv.withOutputs(outs).withEnv(env);
        }
        requireInputAddressed(drv);
        for (Map.Entry<String, DerivationOutput> e : drv.outputs().entrySet()) {
            env.put(e.getKey(), "");
            outs.put(e.getKey(), e.getValue().withoutPath());
        }
        Derivation masked = drv.withOutputs(outs).withEnv(env);
        Map<String, Hash> h = hasher.hashModulo(masked, true);
        for (String name : drv.outputs().keySet()) {
            StorePath p = hasher.outputPath(drv, name, h.get(name));
            env.put(name, p.absolute(dir));
            outs.put(name, DerivationOutput.inputAddressed(p));
        }
        return drv.withOutputs(outs).withEnv(env);
    }

    /** The {@code .drv} file's own store path: a text path over its ATerm, referencing its inputs. */
    public static StorePath drvPath(StoreDir dir, Derivation drv) {
        return StorePaths.computeTextPath(dir, drv.name() + StorePath.DRV_EXTENSION, ATermWriter.write(dir, drv),
                drv.references());
    }

    static StorePath fixedOutputPath(StoreDir dir, Derivation drv) {
        DerivationOutput out = drv.outputs().get("out");
        return StorePaths.makeFixedOutputPath(dir, out.method(), out.fixedHash(),
                StorePaths.outputPathName(drv.name(), "out"));
    }

    static void requireInputAddressed(Derivation drv) {
        if (drv.outputs().isEmpty()) throw new InvalidDerivationException("derivation has no outputs");
        for (Map.Entry<String, DerivationOutput> e : drv.outputs().entrySet()) {
            DerivationOutput o = e.getValue();
            if (o.isFixed())
                throw new InvalidDerivationException(drv.outputs().size() > 1
                        ? "a fixed output must be the only output and be named 'out' (output '" + e.getKey() + "')"
                        : "single fixed output must be named 'out', not '" + e.getKey() + "'");
            if (o.isFloating())
                throw new InvalidDerivationException("output '" + e.getKey()
                        + "' is floating content-addressed, which Nix 2.8 supports only as an experimental feature");
        }
    }
}
