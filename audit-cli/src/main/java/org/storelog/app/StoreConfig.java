package org.storelog.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code audit init} decided, kept in {@code <state>/config.json}.
 *
 * @param storeDir      logical store directory, the one inside paths and hashes ({@code /nix/store})
 * @param mode          {@value #STANDALONE} or {@value #ATTACHED}
 * @param physicalStore where the files of {@code storeDir} live on this machine
 * @param nixRoot       attached mode: the root Nix's state lives under ({@code /} for the real Nix),
 *                      so its database is {@code nixRoot/nix/var/nix/db/db.sqlite}; null otherwise
 */
public record StoreConfig(String storeDir, String mode, String physicalStore, String nixRoot) {
    public static final String STANDALONE = "standalone";
    public static final String ATTACHED = "attached";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public boolean attached() { return ATTACHED.equals(mode); }

    /** Host path of a logical store path. */
    public Path physical(String logicalPath) {
        if (!logicalPath.startsWith(storeDir + "/"))
            throw new IllegalArgumentException(logicalPath + " is not in the store directory " + storeDir);
        return Path.of(physicalStore, logicalPath.substring(storeDir.length() + 1));
    }

    /** Nix's database when attached. */
    public Path nixDb() { return Path.of(nixRoot, "nix/var/nix/db/db.sqlite"); }

    /** Nix's GC roots tree when attached. */
    public Path nixGcRoots() { return Path.of(nixRoot, "nix/var/nix/gcroots"); }

    public static StoreConfig load(Path file) throws IOException {
        return JSON.readValue(file.toFile(), StoreConfig.class);
    }

    public void save(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.createDirectories(file.getParent());
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
