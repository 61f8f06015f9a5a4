package org.storelog.domain.drv;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.storelog.domain.store.StorePath;

/**
 * A store derivation, as Nix's {@code Derivation} ({@code src/libstore/derivations.hh}).
 *
 * <p>{@code name} is not part of the {@code .drv} text: Nix takes it from the file's store path
 * (minus {@code .drv}). Maps and sets are kept sorted as Nix sorts them (strings by UTF-8
 * bytes, store paths by base name) and are unmodifiable.
 */
public record Derivation(
        String name,
        SortedMap<String, DerivationOutput> outputs,
        SortedMap<StorePath, SortedSet<String>> inputDrvs,
        SortedSet<StorePath> inputSrcs,
        String platform,
        String builder,
        List<String> args,
        SortedMap<String, String> env) {

    public Derivation {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(builder, "builder");
        TreeMap<String, DerivationOutput> o = new TreeMap<>(ByteOrder.UTF8);
        o.putAll(outputs);
        outputs = Collections.unmodifiableSortedMap(o);
        TreeMap<StorePath, SortedSet<String>> d = new TreeMap<>();
        for (Map.Entry<StorePath, SortedSet<String>> e : inputDrvs.entrySet()) {
            TreeSet<String> names = new TreeSet<>(ByteOrder.UTF8);
            names.addAll(e.getValue());
            d.put(e.getKey(), Collections.unmodifiableSortedSet(names));
        }
        inputDrvs = Collections.unmodifiableSortedMap(d);
        inputSrcs = Collections.unmodifiableSortedSet(new TreeSet<>(inputSrcs));
        args = List.copyOf(args);
        TreeMap<String, String> en = new TreeMap<>(ByteOrder.UTF8);
        en.putAll(env);
        env = Collections.unmodifiableSortedMap(en);
    }

    /** Builds a derivation from unsorted collections (they are sorted and copied as Nix sorts them). */
    public static Derivation of(String name, Map<String, DerivationOutput> outputs,
                                Map<StorePath, ? extends java.util.Collection<String>> inputDrvs,
                                java.util.Collection<StorePath> inputSrcs, String platform, String builder,
                                List<String> args, Map<String, String> env) {
        TreeMap<StorePath, SortedSet<String>> in = new TreeMap<>();
        inputDrvs.forEach((p, names) -> {
            TreeSet<String> n = new TreeSet<>(ByteOrder.UTF8);
            n.addAll(names);
            in.put(p, n);
        });
        return new Derivation(name, new TreeMap<>(outputs), in, new TreeSet<>(inputSrcs), platform, builder, args,
                new TreeMap<>(env));
    }

    /** True if the single output {@code out} is fixed (Nix's {@code DerivationType::CAFixed}). */
    public boolean isFixedOutput() {
        return outputs.size() == 1 && outputs.containsKey("out") && outputs.get("out").isFixed();
    }

    /** Input sources and input derivations: the {@code .drv} file's references. */
    public SortedSet<StorePath> references() {
        TreeSet<StorePath> refs = new TreeSet<>(inputSrcs);
        refs.addAll(inputDrvs.keySet());
        return Collections.unmodifiableSortedSet(refs);
    }

    /** Copy with other outputs. */
    public Derivation withOutputs(Map<String, DerivationOutput> newOutputs) {
        return new Derivation(name, new TreeMap<>(newOutputs), inputDrvs, inputSrcs, platform, builder, args, env);
    }

    /** Copy with another environment. */
    public Derivation withEnv(Map<String, String> newEnv) {
        return new Derivation(name, outputs, inputDrvs, inputSrcs, platform, builder, args, new TreeMap<>(newEnv));
    }

    /** Copy with another name (the name is not in the text; see the class comment). */
    public Derivation withName(String newName) {
        return new Derivation(newName, outputs, inputDrvs, inputSrcs, platform, builder, args, env);
    }
}
