package org.storelog.app.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.storelog.app.Store;
import org.storelog.domain.event.StoreEvent;
import org.storelog.domain.event.StoreEvent.Origin;
import org.storelog.domain.hash.Hash;
import org.storelog.domain.store.FileIngestionMethod;
import org.storelog.domain.store.StoreDir;
import org.storelog.domain.store.StorePath;
import org.storelog.domain.store.StorePaths;
import org.storelog.nar.NarDigest;
import org.storelog.nar.NarHasher;
import org.storelog.sandbox.OutputCanonicalizer;

/**
 * {@code audit add PATH}, as Nix 2.8's {@code nix-store --add} ({@code LocalStore::addToStore}
 * with recursive SHA-256): the tree's NAR hash gives a {@code source} path without references,
 * registered with {@code ca = fixed:r:sha256:<nix32>}.
 */
public final class SourceAdder {
    /** The path, and whether this call registered it (false: it was already valid). */
    public record Added(String path, boolean registered) {}

    private final Store store;

    public SourceAdder(Store store) { this.store = store; }

    public Added add(Path source) throws IOException {
        store.requireStandalone("adding a path");
        Path abs = source.toAbsolutePath().normalize();
        if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS))
            throw new BuildException(BuildException.Reason.BAD_PATH, 64, "no such file or directory: " + source);
        String name = abs.getFileName() == null ? "" : abs.getFileName().toString();
        if (!StorePath.isValidBaseName("00000000000000000000000000000000-" + name))
            throw new BuildException(BuildException.Reason.BAD_PATH, 64,
                    "'" + name + "' is not a valid store path name (letters, digits and +-._?= only, at most 211 characters)");
        StoreDir dir = StoreDir.of(store.config().storeDir());
        Path scratch = store.state().resolve("tmp").resolve("add-" + UUID.randomUUID());
        Files.createDirectories(scratch);
        try {
            Path copy = scratch.resolve(name);
            StoreFiles.copyTree(abs, copy);
            long bytes = OutputCanonicalizer.canonicalize(copy);
            NarDigest digest = NarHasher.hashTree(copy, Set.of(), bytes);
            Hash narHash = digest.narHash();
            String path = StorePaths.makeFixedOutputPath(dir, FileIngestionMethod.RECURSIVE, narHash, name).absolute(dir);
            synchronized (store) {
                if (store.view().isValid(path)) return new Added(path, false);
                StoreFiles.moveIntoStore(copy, store.config().physical(path));
                store.commit(List.of(new StoreEvent.PathRegistered(path, narHash.toPrefixedNix32(), digest.narSize(),
                        List.of(), null, "fixed:r:" + narHash.toPrefixedNix32(), List.of(),
                        Instant.now().getEpochSecond(), Origin.ADDED)));
            }
            return new Added(path, true);
        } finally {
            StoreFiles.removeTree(scratch);
        }
    }
}
