package org.storelog.domain.store;

import java.util.Objects;
import org.storelog.domain.hash.NixBase32;

/**
 * A store path without its store directory: {@code <hash>-<name>}, as Nix's {@code StorePath}
 * (mirrors {@code src/libstore/path.cc}).
 *
 * <p>The hash part is 32 nix32 characters (160 bits); the name is 1 to 211 characters from
 * {@code [A-Za-z0-9+-._?=]} and does not start with {@code .}. Ordering is by base name, as
 * Nix orders {@code StorePathSet}.
 */
public final class StorePath implements Comparable<StorePath> {
    public static final int HASH_LENGTH = 32;
    public static final int HASH_BYTES = 20;
    public static final int MAX_NAME_LENGTH = 211;
    public static final String DRV_EXTENSION = ".drv";

    private final String baseName;

    private StorePath(String baseName) { this.baseName = baseName; }

    /** Parses {@code <hash>-<name>}. */
    public static StorePath fromBaseName(String baseName) {
        validate(baseName, baseName, 0);
        return new StorePath(baseName);
    }

    /** Parses an absolute path that must lie directly in {@code dir}. */
    public static StorePath parse(StoreDir dir, String absolute) {
        String prefix = dir.path() + "/";
        if (!absolute.startsWith(prefix)) {
            int at = 0;
            while (at < absolute.length() && at < prefix.length() && absolute.charAt(at) == prefix.charAt(at)) at++;
            throw new InvalidStorePathException(absolute, "not in the store directory " + dir.path(), at);
        }
        String base = absolute.substring(prefix.length());
        validate(absolute, base, prefix.length());
        return new StorePath(base);
    }

    /** A path from a digest already compressed to {@link #HASH_BYTES} bytes and a name. */
    public static StorePath of(byte[] compressedHash, String name) {
        if (compressedHash.length != HASH_BYTES)
            throw new IllegalArgumentException("store path hash must be " + HASH_BYTES + " bytes");
        return fromBaseName(NixBase32.encode(compressedHash) + "-" + name);
    }

    /** True if {@code s} parses as a base name. */
    public static boolean isValidBaseName(String s) {
        try {
            validate(s, s, 0);
            return true;
        } catch (InvalidStorePathException e) {
            return false;
        }
    }

    private static void validate(String input, String base, int shift) {
        if (base.length() < HASH_LENGTH + 2)
            throw new InvalidStorePathException(input, "too short to be a store path", shift + base.length());
        for (int i = 0; i < HASH_LENGTH; i++) {
            char c = base.charAt(i);
            if (c >= 128 || NixBase32.ALPHABET.indexOf(c) < 0)
                throw new InvalidStorePathException(input, "illegal nix32 character '" + c + "' in hash part", shift + i);
        }
        if (base.charAt(HASH_LENGTH) != '-')
            throw new InvalidStorePathException(input, "expected '-' after the hash part", shift + HASH_LENGTH);
        checkName(input, base, HASH_LENGTH + 1, shift);
    }

    /** Validates a store path name on its own (Nix's {@code checkName}). */
    public static void checkName(String name) { checkName(name, name, 0, 0); }

    private static void checkName(String input, String s, int from, int shift) {
        int len = s.length() - from;
        if (len == 0) throw new InvalidStorePathException(input, "empty name", shift + from);
        if (len > MAX_NAME_LENGTH)
            throw new InvalidStorePathException(input, "name longer than " + MAX_NAME_LENGTH + " characters",
                    shift + from + MAX_NAME_LENGTH);
        if (s.charAt(from) == '.')
            throw new InvalidStorePathException(input, "name starts with '.'", shift + from);
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || c == '+' || c == '-' || c == '.' || c == '_' || c == '?' || c == '=';
            if (!ok) throw new InvalidStorePathException(input, "illegal character '" + c + "' in name", shift + i);
        }
    }

    /** The 32-character nix32 hash part. */
    public String hashPart() { return baseName.substring(0, HASH_LENGTH); }

    /** The name after the dash. */
    public String name() { return baseName.substring(HASH_LENGTH + 1); }

    /** {@code <hash>-<name>}. */
    public String baseName() { return baseName; }

    /** True if the name ends with {@code .drv}. */
    public boolean isDerivation() { return baseName.endsWith(DRV_EXTENSION); }

    /** The absolute path in {@code dir}. */
    public String absolute(StoreDir dir) { return dir.resolve(baseName); }

    @Override public int compareTo(StorePath o) { return baseName.compareTo(o.baseName); }

    @Override public boolean equals(Object o) { return o instanceof StorePath p && p.baseName.equals(baseName); }

    @Override public int hashCode() { return baseName.hashCode(); }

    /** The base name (without store directory). */
    @Override public String toString() { return baseName; }

    static String requireName(String name) {
        Objects.requireNonNull(name, "name");
        checkName(name);
        return name;
    }
}
