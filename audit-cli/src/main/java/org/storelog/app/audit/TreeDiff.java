package org.storelog.app.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.storelog.nar.NarListing;

/**
 * Which files differ between two output trees, from their NAR listings (what {@code diffoscope}
 * would look at first): added, removed, type, content, executable bit, symlink target. Each line is
 * {@code /relative/path: what}; the output root itself is {@code /}.
 */
public final class TreeDiff {
    private TreeDiff() {}

    /** Differences going from {@code recorded} to {@code rebuilt}, sorted by path. */
    public static List<String> between(Path recorded, Path rebuilt) throws IOException {
        Map<String, NarListing.Entry> a = index(NarListing.ofTree(recorded));
        Map<String, NarListing.Entry> b = index(NarListing.ofTree(rebuilt));
        TreeSet<String> all = new TreeSet<>(a.keySet());
        all.addAll(b.keySet());
        List<String> out = new ArrayList<>();
        for (String p : all) {
            NarListing.Entry x = a.get(p), y = b.get(p);
            String shown = "/" + p;
            if (x == null) out.add(shown + ": added");
            else if (y == null) out.add(shown + ": removed");
            else if (x.type() != y.type())
                out.add(shown + ": type differs (" + name(x.type()) + " → " + name(y.type()) + ")");
            else if (x.type() == NarListing.Type.SYMLINK) {
                if (!Objects.equals(x.target(), y.target()))
                    out.add(shown + ": symlink target differs (" + x.target() + " → " + y.target() + ")");
            } else if (x.type() == NarListing.Type.REGULAR) {
                if (x.size() != y.size() || Files.mismatch(file(recorded, p), file(rebuilt, p)) != -1L)
                    out.add(shown + ": content differs");
                if (x.executable() != y.executable())
                    out.add(shown + ": executable bit differs (" + (x.executable() ? "+x" : "-x") + " → "
                            + (y.executable() ? "+x" : "-x") + ")");
            }
        }
        return out;
    }

    private static Path file(Path root, String rel) { return rel.isEmpty() ? root : root.resolve(rel); }

    private static String name(NarListing.Type t) { return t.name().toLowerCase(java.util.Locale.ROOT); }

    private static Map<String, NarListing.Entry> index(NarListing l) {
        Map<String, NarListing.Entry> m = new TreeMap<>();
        for (NarListing.Entry e : l.entries()) m.put(strip(e.path()), e);
        return m;
    }

    /** Listing paths are {@code .} for the root and {@code ./a/b} below it; keys here are {@code ""} and {@code a/b}. */
    private static String strip(String p) {
        if (p.equals(".") || p.equals("/")) return "";
        if (p.startsWith("./")) return p.substring(2);
        return p.startsWith("/") ? p.substring(1) : p;
    }
}
