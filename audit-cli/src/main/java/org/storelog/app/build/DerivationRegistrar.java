package org.storelog.app.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.storelog.app.Store;
import org.storelog.domain.drv.ATermWriter;
import org.storelog.domain.drv.Derivation;
import org.storelog.domain.drv.DerivationHasher;
import org.storelog.domain.drv.DrvFiles;
import org.storelog.domain.drv.OutputCheck;
import org.storelog.domain.drv.OutputPaths;
import org.storelog.domain.event.StoreEvent;
import org.storelog.domain.event.StoreEvent.Origin;
import org.storelog.domain.hash.Hash;
import org.storelog.domain.store.StoreDir;
import org.storelog.domain.store.StorePath;
import org.storelog.domain.store.StorePaths;
import org.storelog.nar.NarHasher;

/**
 * Puts {@code .drv} files into a standalone store as {@code text} paths whose references are the
 * derivation's input sources and input derivations (Nix's {@code writeDerivation}), and declares
 * their outputs. Inputs must already be valid; nothing is registered otherwise.
 */
public final class DerivationRegistrar {
    private final Store store;
    private final StoreDir dir;

    public DerivationRegistrar(Store store) {
        this.store = store;
        this.dir = StoreDir.of(store.config().storeDir());
    }

    /** A hasher that reads input derivations from the physical store. */
    public static DerivationHasher hasher(Store store) {
        StoreDir dir = StoreDir.of(store.config().storeDir());
        return new DerivationHasher(dir, DrvFiles.resolver(dir, List.of(Path.of(store.config().physicalStore()))));
    }

    /**
     * {@code audit drv create}: fills in the output paths (as {@code nix-instantiate} does), writes
     * the derivation and registers it. Returns the {@code .drv} path; an identical one already
     * registered is left alone.
     */
    public String create(Derivation withoutPaths) throws IOException {
        store.requireStandalone("creating a derivation");
        requireInputsValid(withoutPaths, Set.of());
        Derivation filled = OutputPaths.fill(withoutPaths, hasher(store));
        byte[] text = ATermWriter.write(dir, filled).getBytes(StandardCharsets.UTF_8);
        return register(filled, text);
    }

    /**
     * Registers a {@code .drv} file that may not be in the store yet (as {@code audit build F.drv}
     * accepts). Input derivations that are not valid are imported the same way from the file's
     * directory when it has them (so {@code /nix/store/…-top.drv} brings its whole graph of
     * {@code .drv} files); input sources must already be valid.
     */
    public String importFile(Path file) throws IOException {
        store.requireStandalone("adding a derivation");
        List<StoreEvent> batch = new ArrayList<>();
        String path;
        synchronized (store) {
            // one hasher for the whole graph: each input derivation's modulo hash is computed once
            path = importInto(file, batch, new java.util.HashSet<>(), hasher(store));
            if (!batch.isEmpty()) store.commit(batch); // the whole graph of .drv files in one batch
        }
        return path;
    }

    private String importInto(Path file, List<StoreEvent> batch, Set<String> pending, DerivationHasher hasher)
            throws IOException {
        Derivation d = DrvFiles.read(dir, file);
        byte[] bytes = Files.readAllBytes(file);
        StorePath path = StorePaths.makeTextPath(dir, d.name() + StorePath.DRV_EXTENSION, Hash.sha256(bytes), d.references());
        String abs = path.absolute(dir);
        if (store.view().isValid(abs) || pending.contains(abs)) return abs;
        Path parent = file.toAbsolutePath().getParent();
        for (StorePath in : d.inputDrvs().keySet()) {
            String inAbs = in.absolute(dir);
            if (store.view().isValid(inAbs) || pending.contains(inAbs) || parent == null) continue;
            Path sibling = parent.resolve(in.baseName());
            if (Files.isRegularFile(sibling)) importInto(sibling, batch, pending, hasher);
        }
        requireInputsValid(d, pending);
        List<String> wrong = new ArrayList<>();
        for (OutputCheck c : OutputPaths.check(d, hasher))
            if (!c.matches())
                wrong.add("output '" + c.output() + "' is stated as " + c.stated().map(p -> p.absolute(dir)).orElse("(none)")
                        + " but computes to " + c.computed().absolute(dir));
        if (!wrong.isEmpty())
            throw new BuildException(BuildException.Reason.WRONG_OUTPUT_PATHS, 64,
                    file + " is not a correct derivation: " + String.join("; ", wrong));
        batch.addAll(write(d, bytes));
        pending.add(abs);
        return abs;
    }

    private String register(Derivation d, byte[] text) throws IOException {
        synchronized (store) {
            List<StoreEvent> events = write(d, text);
            if (!events.isEmpty()) store.commit(events);
            return textPath(d, text);
        }
    }

    private String textPath(Derivation d, byte[] text) {
        return StorePaths.makeTextPath(dir, d.name() + StorePath.DRV_EXTENSION, Hash.sha256(text), d.references()).absolute(dir);
    }

    /** Writes the file into the physical store; returns the events registering it (none if already valid). */
    private List<StoreEvent> write(Derivation d, byte[] text) throws IOException {
        String abs = textPath(d, text);
        if (store.view().isValid(abs)) return List.of();
        Path host = store.config().physical(abs);
        StoreFiles.writeFile(host, text);
        var digest = NarHasher.hashRegularFile(text, false, Set.of()); // what was just written: a plain file
        List<String> refs = d.references().stream().map(p -> p.absolute(dir)).toList();
        Map<String, String> outputs = new TreeMap<>();
        d.outputs().forEach((name, o) -> outputs.put(name, o.path().orElseThrow().absolute(dir)));
        return List.of(
                new StoreEvent.PathRegistered(abs, digest.narHash().toPrefixedNix32(), digest.narSize(), refs, null,
                        "text:" + Hash.sha256(text).toPrefixedNix32(), List.of(), Instant.now().getEpochSecond(), Origin.TEXT),
                new StoreEvent.DerivationOutputsDeclared(abs, new LinkedHashMap<>(outputs)));
    }

    /** Every input source and every needed output of an input derivation must be valid. */
    void requireInputsValid(Derivation d, Set<String> pending) {
        List<String> missing = new ArrayList<>();
        for (StorePath src : d.inputSrcs()) {
            String p = src.absolute(dir);
            if (!store.view().isValid(p)) missing.add("input source " + p + " is not valid in this store");
        }
        for (StorePath in : d.inputDrvs().keySet()) {
            String p = in.absolute(dir);
            if (!store.view().isValid(p) && !pending.contains(p)) missing.add("input derivation " + p + " is not valid in this store");
        }
        if (!missing.isEmpty())
            throw new BuildException(BuildException.Reason.MISSING_INPUT, String.join("; ", missing)
                    + " (add sources with 'audit add', derivations with 'audit drv create' or 'audit build F.drv')");
    }
}
