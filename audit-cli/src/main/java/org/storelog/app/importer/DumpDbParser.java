package org.storelog.app.importer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.storelog.domain.hash.Hash;
import org.storelog.domain.hash.HashAlgorithm;

/**
 * Reads the text of {@code nix-store --dump-db} (Nix's {@code makeValidityRegistration} with
 * hashes and derivers; read back by {@code decodeValidPathInfo} in src/libstore/store-api.cc):
 * per path, the lines {@code path}, {@code narHash} (base16, no prefix), {@code narSize},
 * {@code deriver} (empty when none), {@code N} then {@code N} reference lines.
 */
public final class DumpDbParser {
    private final String file;
    private final String storeDir;
    private BufferedReader in;
    private long lineNo;

    public DumpDbParser(String file, String storeDir) {
        this.file = file;
        this.storeDir = storeDir;
    }

    public StoreSnapshot parse(InputStream input) throws StoreDatabaseException {
        in = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8), 1 << 16);
        Map<String, ImportedPath> paths = new LinkedHashMap<>();
        // Names that passed checkPath besides the listed paths (derivers, references not listed yet).
        Set<String> checked = new HashSet<>();
        // References to paths not listed before them: each must be listed by the end.
        List<String[]> forward = new ArrayList<>();
        try {
            String path;
            while ((path = nextLine()) != null) {
                if (path.isEmpty()) throw error("empty line where a store path was expected");
                checkPath(path, "store path");
                long pathLine = lineNo;
                String hashLine = required("NAR hash");
                String narHash;
                try {
                    narHash = Hash.parse(hashLine, HashAlgorithm.SHA256).toPrefixedNix32();
                } catch (IllegalArgumentException e) {
                    throw error("bad NAR hash: " + e.getMessage());
                }
                long narSize = number(required("NAR size"), "NAR size");
                String deriver = required("deriver");
                if (!deriver.isEmpty()) {
                    ImportedPath listed = paths.get(deriver);
                    if (listed != null) deriver = listed.path();
                    else if (checked.add(deriver)) checkPath(deriver, "deriver");
                }
                long n = number(required("reference count"), "reference count");
                List<String> refs = new ArrayList<>((int) Math.min(n, 1024));
                for (long i = 0; i < n; i++) {
                    String ref = nextLine();
                    if (ref == null) throw new StoreDatabaseException(file, lineNo + 1,
                            "unexpected end of input; expected reference " + (i + 1) + " of " + n);
                    // A path listed before was checked then; sharing its String makes later lookups cheap.
                    ImportedPath listed = paths.get(ref);
                    if (listed != null) {
                        ref = listed.path();
                    } else if (ref.equals(path)) {
                        ref = path;
                    } else {
                        if (checked.add(ref)) checkPath(ref, "reference");
                        forward.add(new String[] {path, ref});
                    }
                    refs.add(ref);
                }
                if (paths.put(path, new ImportedPath(path, narHash, narSize, refs,
                        deriver.isEmpty() ? null : deriver, null, List.of(), 0)) != null)
                    throw new StoreDatabaseException(file, pathLine, "path " + path + " appears twice");
            }
        } catch (IOException e) {
            throw new StoreDatabaseException(file, "cannot read: " + e.getMessage(), e);
        }
        for (String[] f : forward)
            if (!paths.containsKey(f[1]))
                throw new StoreDatabaseException(file, 0, "path " + f[0] + " refers to " + f[1]
                        + ", which the dump does not list as valid");
        return new StoreSnapshot(file, "dump-db", paths, Map.of());
    }

    private String nextLine() throws IOException {
        String l = in.readLine();
        if (l != null) lineNo++;
        return l;
    }

    private String required(String what) throws IOException, StoreDatabaseException {
        String l = nextLine();
        if (l == null) throw new StoreDatabaseException(file, lineNo + 1, "unexpected end of input; expected " + what);
        return l;
    }

    private long number(String s, String what) throws StoreDatabaseException {
        try {
            long v = Long.parseLong(s);
            if (v < 0) throw error(what + " is negative: " + s);
            return v;
        } catch (NumberFormatException e) {
            throw error(what + " is not a number: '" + s + "'");
        }
    }

    private void checkPath(String p, String what) throws StoreDatabaseException {
        String reason = StorePathsCheck.problem(storeDir, p);
        if (reason != null) throw error(what + " '" + p + "' is not a valid store path: " + reason);
    }

    private StoreDatabaseException error(String reason) {
        return new StoreDatabaseException(file, lineNo, reason);
    }
}
