package org.storelog.domain.store;

/**
 * The logical store directory: the one written inside store paths and hashed into them
 * (Nix's {@code Store::storeDir}, default {@code /nix/store}). Where the files physically live
 * is not this class's business.
 *
 * <p>Must be absolute, without a trailing slash, and without empty, {@code .} or {@code ..}
 * components (Nix canonicalises it the same way).
 */
public record StoreDir(String path) {
    public static final StoreDir DEFAULT = new StoreDir("/nix/store");

    public StoreDir {
        if (path == null || !path.startsWith("/"))
            throw new IllegalArgumentException("store directory '" + path + "' is not absolute");
        if (path.length() > 1 && path.endsWith("/"))
            throw new IllegalArgumentException("store directory '" + path + "' has a trailing slash");
        if (path.length() == 1)
            throw new IllegalArgumentException("store directory may not be '/'");
        for (String part : path.substring(1).split("/", -1))
            if (part.isEmpty() || part.equals(".") || part.equals(".."))
                throw new IllegalArgumentException("store directory '" + path + "' is not canonical");
    }

    public static StoreDir of(String path) { return new StoreDir(path); }

    /** {@code path + "/" + baseName}. */
    public String resolve(String baseName) { return path + "/" + baseName; }

    @Override public String toString() { return path; }
}
