package org.storelog.domain.drv;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.storelog.domain.hash.Hash;
import org.storelog.domain.store.StoreDir;
import org.storelog.domain.store.StorePath;
import org.storelog.domain.store.StorePaths;

/**
 * {@code hashDerivationModulo} with Nix 2.8 semantics ({@code src/libstore/derivations.cc}).
 *
 * <ul>
 * <li>Fixed-output derivation: per output
 *     {@code sha256("fixed:out:" [r:]algo ":" hex ":" outPath)}, so changing how a fixed output
 *     is fetched does not change anything downstream.</li>
 * <li>Otherwise: sha256 of the ATerm text in which every input derivation is replaced by the
 *     base16 form of its own modulo hash (inputs with equal hashes merge their output names) and,
 *     when masking, output paths and output-named environment variables are empty. Every output
 *     gets that same hash.</li>
 * </ul>
 * Input derivations are loaded through the resolver and their hashes (computed unmasked, as
 * Nix's {@code pathDerivationModulo} does) are memoized for the life of this object. Not thread-safe.
 */
public final class DerivationHasher {
    private final StoreDir dir;
    private final Function<StorePath, Derivation> resolver;
    private final Map<StorePath, Map<String, Hash>> memo = new HashMap<>();

    /** {@code resolver} loads an input derivation by its {@code .drv} path, or throws. */
    public DerivationHasher(StoreDir dir, Function<StorePath, Derivation> resolver) {
        this.dir = dir;
        this.resolver = resolver;
    }

    public StoreDir storeDir() { return dir; }

    /** The per-output modulo hashes of {@code drv}. */
    public Map<String, Hash> hashModulo(Derivation drv, boolean maskOutputs) {
        if (drv.isFixedOutput()) {
            DerivationOutput out = drv.outputs().get("out");
            StorePath path = OutputPaths.fixedOutputPath(dir, drv);
            String s = "fixed:out:" + out.hashAlgo() + ":" + out.fixedHash().toBase16() + ":" + path.absolute(dir);
            return Map.of("out", Hash.sha256(s.getBytes(StandardCharsets.UTF_8)));
        }
        OutputPaths.requireInputAddressed(drv);
        TreeMap<String, SortedSet<String>> inputs = new TreeMap<>(ByteOrder.UTF8);
        for (Map.Entry<StorePath, SortedSet<String>> e : drv.inputDrvs().entrySet()) {
            Map<String, Hash> hashes = pathHashModulo(e.getKey());
            for (String output : e.getValue()) {
                Hash h = hashes.get(output);
                if (h == null)
                    throw new InvalidDerivationException("input derivation " + e.getKey().absolute(dir)
                            + " has no output '" + output + "'");
                inputs.computeIfAbsent(h.toBase16(), k -> new TreeSet<>(ByteOrder.UTF8)).add(output);
            }
        }
        String text = ATermWriter.write(dir, drv, maskOutputs, Collections.unmodifiableSortedMap(inputs));
        Hash h = Hash.sha256(text.getBytes(StandardCharsets.UTF_8));
        SortedMap<String, Hash> result = new TreeMap<>(ByteOrder.UTF8);
        for (String name : drv.outputs().keySet()) result.put(name, h);
        return Collections.unmodifiableSortedMap(result);
    }

    /** Modulo hashes (unmasked) of the derivation stored at {@code drvPath}, memoized. */
    public Map<String, Hash> pathHashModulo(StorePath drvPath) {
        Map<String, Hash> known = memo.get(drvPath);
        if (known != null) return known;
        Derivation d = resolver.apply(drvPath);
        if (d == null) throw new InvalidDerivationException("input derivation " + drvPath.absolute(dir) + " not found");
        Map<String, Hash> h = hashModulo(d, false);
        memo.put(drvPath, h);
        return h;
    }

    /** Convenience: output path of {@code output} given the modulo hash. */
    StorePath outputPath(Derivation drv, String output, Hash moduloHash) {
        return StorePaths.makeOutputPath(dir, output, moduloHash, drv.name());
    }
}
