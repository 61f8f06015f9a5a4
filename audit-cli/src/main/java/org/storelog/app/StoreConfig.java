package org.storelog.app;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * What {@code audit init} decided, kept in {@code <state>/config.properties} (a properties file: it
 * is read by every command, and reading it must cost nothing at start-up).
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
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        String storeDir = p.getProperty("storeDir");
        String mode = p.getProperty("mode");
        String physical = p.getProperty("physicalStore");
        if (storeDir == null || mode == null || physical == null)
            throw new IOException(file + " lacks storeDir, mode or physicalStore");
        return new StoreConfig(storeDir, mode, physical, p.getProperty("nixRoot"));
    }

    /**
     * Writes the file as {@link Properties#store} would, keys sorted, but with the time as an ISO
     * instant: {@code Properties.store} formats its date comment with {@code Date.toString}, whose
     * time-zone name loads the CLDR locale data and searches the class path for zone providers
     * (~0.1 s of {@code audit init}).
     */
    public void save(Path file) throws IOException {
        java.util.TreeMap<String, String> p = new java.util.TreeMap<>();
        p.put("storeDir", storeDir);
        p.put("mode", mode);
        p.put("physicalStore", physicalStore);
        if (nixRoot != null) p.put("nixRoot", nixRoot);
        StringBuilder text = new StringBuilder("#storelog store configuration (written by audit init)\n#")
                .append(java.time.Instant.now()).append('\n');
        p.forEach((k, v) -> text.append(k).append('=').append(escape(v)).append('\n'));
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write(text.toString());
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A value as {@link Properties#load(Reader)} reads it back: backslash escapes, a leading space kept. */
    static String escape(String v) {
        StringBuilder b = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\f' -> b.append("\\f");
                case ' ' -> b.append(i == 0 ? "\\ " : " ");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
