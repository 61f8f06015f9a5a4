package org.storelog.app.importer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.storelog.domain.hash.Hash;
import org.storelog.domain.hash.HashAlgorithm;

/**
 * Reads a Nix store database ({@code /nix/var/nix/db/db.sqlite}: tables ValidPaths, Refs,
 * DerivationOutputs, as in src/libstore/schema.sql) or Guix's ({@code /var/guix/db/db.sqlite},
 * the same schema without the ultimate, sigs and ca columns). Opened read-only and immutable, so
 * Nix's own database is never written or locked.
 */
public final class NixDbReader {
    private final Path file;
    private final String storeDir;

    public NixDbReader(Path file, String storeDir) {
        this.file = file;
        this.storeDir = storeDir;
    }

    public StoreSnapshot read() throws StoreDatabaseException {
        String name = file.toString();
        if (!Files.isReadable(file)) throw new StoreDatabaseException(name, 0, "no such file or not readable");
        // immutable=1: no locking and no journal recovery writes; the file is read as it is.
        String url = "jdbc:sqlite:file:" + file.toAbsolutePath() + "?mode=ro&immutable=1";
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            Set<String> cols = columns(st, "ValidPaths");
            for (String required : List.of("id", "path", "hash", "registrationtime", "deriver", "narsize"))
                if (!cols.contains(required))
                    throw new StoreDatabaseException(name, 0, "table ValidPaths has no column '" + required
                            + "'; is this a Nix or Guix store database?");
            boolean hasSigs = cols.contains("sigs");
            boolean hasCa = cols.contains("ca");

            Map<Long, String> byId = new HashMap<>();
            Map<Long, Object[]> rows = new LinkedHashMap<>();
            String q = "select id, path, hash, registrationTime, deriver, narSize"
                    + (hasSigs ? ", sigs" : ", null") + (hasCa ? ", ca" : ", null") + " from ValidPaths order by id";
            try (ResultSet rs = st.executeQuery(q)) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    String path = rs.getString(2);
                    String where = "ValidPaths row id=" + id;
                    String problem = StorePathsCheck.problem(storeDir, path);
                    if (problem != null)
                        throw new StoreDatabaseException(name, 0, where + ": path '" + path + "' is not a valid store path: " + problem);
                    String narHash;
                    try {
                        narHash = Hash.parse(rs.getString(3), HashAlgorithm.SHA256).toPrefixedNix32();
                    } catch (IllegalArgumentException | NullPointerException e) {
                        throw new StoreDatabaseException(name, 0, where + " (" + path + "): bad hash: " + e.getMessage());
                    }
                    String deriver = rs.getString(5);
                    if (deriver != null && deriver.isEmpty()) deriver = null;
                    byId.put(id, path);
                    rows.put(id, new Object[] {path, narHash, rs.getLong(4), deriver, rs.getLong(6),
                            rs.getString(7), rs.getString(8)});
                }
            }
            Map<Long, List<String>> refs = new HashMap<>();
            try (ResultSet rs = st.executeQuery("select referrer, reference from Refs")) {
                while (rs.next()) {
                    long from = rs.getLong(1);
                    String to = byId.get(rs.getLong(2));
                    if (!byId.containsKey(from) || to == null)
                        throw new StoreDatabaseException(name, 0, "Refs row (" + from + ", " + rs.getLong(2)
                                + ") names a path id that ValidPaths does not have");
                    refs.computeIfAbsent(from, k -> new ArrayList<>()).add(to);
                }
            }
            Map<String, ImportedPath> paths = new LinkedHashMap<>();
            for (var e : rows.entrySet()) {
                Object[] r = e.getValue();
                List<String> rr = refs.getOrDefault(e.getKey(), List.of());
                List<String> sorted = new ArrayList<>(rr);
                sorted.sort(null);
                String sigs = (String) r[5];
                paths.put((String) r[0], new ImportedPath((String) r[0], (String) r[1], (long) r[4], sorted,
                        (String) r[3], (String) r[6],
                        sigs == null || sigs.isBlank() ? List.of() : Arrays.asList(sigs.trim().split(" +")),
                        (long) r[2]));
            }
            Map<String, Map<String, String>> outputs = new LinkedHashMap<>();
            if (tableExists(st, "DerivationOutputs")) {
                try (ResultSet rs = st.executeQuery("select drv, id, path from DerivationOutputs order by drv")) {
                    while (rs.next()) {
                        String drv = byId.get(rs.getLong(1));
                        if (drv == null)
                            throw new StoreDatabaseException(name, 0, "DerivationOutputs row names drv id "
                                    + rs.getLong(1) + " that ValidPaths does not have");
                        outputs.computeIfAbsent(drv, k -> new TreeMap<>()).put(rs.getString(2), rs.getString(3));
                    }
                }
            }
            return new StoreSnapshot(name, "nix-db", paths, outputs);
        } catch (SQLException e) {
            throw new StoreDatabaseException(name, "not a readable store database (" + e.getMessage()
                    + "); pass Nix's /nix/var/nix/db/db.sqlite or Guix's /var/guix/db/db.sqlite", e);
        }
    }

    private static Set<String> columns(Statement st, String table) throws SQLException {
        Set<String> cols = new HashSet<>();
        try (ResultSet rs = st.executeQuery("pragma table_info(" + table + ")")) {
            while (rs.next()) cols.add(rs.getString("name").toLowerCase(java.util.Locale.ROOT));
        }
        if (cols.isEmpty()) throw new SQLException("no table " + table);
        return cols;
    }

    private static boolean tableExists(Statement st, String table) throws SQLException {
        try (ResultSet rs = st.executeQuery("select 1 from sqlite_master where type='table' and name='" + table + "'")) {
            return rs.next();
        }
    }
}
