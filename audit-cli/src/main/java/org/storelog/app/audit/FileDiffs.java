package org.storelog.app.audit;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.storelog.domain.hash.Hash;
import org.storelog.domain.hash.HashAlgorithm;
import org.storelog.nar.NarListing;

/**
 * {@code --diff}: what differs inside two output trees (the recorded one and a rebuilt one), for
 * people, beyond the list of {@link TreeDiff}. {@code simple}: a unified diff for small text
 * files, sizes and SHA-256 for other files, symlink targets and executable bits plainly, as
 * {@code guix challenge --diff=simple} does. {@code diffoscope}: diffoscope's text report, as
 * {@code guix challenge --diff=diffoscope} (guix/scripts/challenge.scm) runs it.
 */
public final class FileDiffs {
    /** Text files larger than this are shown by sizes and hashes. */
    public static final long MAX_TEXT = 256 * 1024;
    /** Said when {@code --diff diffoscope} is asked for and diffoscope is not on {@code PATH}. */
    public static final String INSTALL_HINT = "diffoscope is not installed (not found on PATH); install it with "
            + "'apt install diffoscope' or 'pip install diffoscope'. Showing simple diffs instead.";

    public enum Mode {
        NONE, SIMPLE, DIFFOSCOPE;

        /** {@code none|simple|diffoscope}; anything else is an {@link IllegalArgumentException}. */
        public static Mode parse(String s) {
            for (Mode m : values()) if (m.name().toLowerCase(Locale.ROOT).equals(s)) return m;
            throw new IllegalArgumentException("--diff " + s + ": expected none, simple or diffoscope");
        }
    }

    /**
     * One difference. {@code kind}: {@code text} (with {@code diff}, unified), {@code binary}
     * (with {@code sizes} and {@code hashes}, recorded then rebuilt), {@code added} or
     * {@code removed} (the one side's size and hash, or symlink target in {@code diff}),
     * {@code symlink} and {@code executable} and {@code type} (old → new in {@code diff}),
     * {@code diffoscope} (its report in {@code diff}, {@code file} is {@code /}).
     */
    public record FileDiff(String file, String kind, String diff, List<Long> sizes, List<String> hashes) {
        public FileDiff {
            sizes = sizes == null ? null : java.util.Collections.unmodifiableList(new ArrayList<>(sizes));
            hashes = hashes == null ? null : java.util.Collections.unmodifiableList(new ArrayList<>(hashes));
        }

        static FileDiff plain(String file, String kind, String diff) { return new FileDiff(file, kind, diff, null, null); }
    }

    private final Mode mode;
    private final String diffoscope;

    private FileDiffs(Mode mode, String diffoscope) {
        this.mode = mode;
        this.diffoscope = diffoscope;
    }

    /** No diffs: only {@link TreeDiff}'s list. */
    public static final FileDiffs NONE = new FileDiffs(Mode.NONE, null);

    /** Simple diffs. */
    public static FileDiffs simple() { return new FileDiffs(Mode.SIMPLE, null); }

    /** Diffoscope at {@code executable}. */
    public static FileDiffs diffoscope(String executable) { return new FileDiffs(Mode.DIFFOSCOPE, Objects.requireNonNull(executable)); }

    /**
     * The differ for {@code mode}; for {@code diffoscope}, looks it up on {@code path} (a
     * {@code PATH} value) and, when it is missing, tells {@code warn} how to install it and falls
     * back to simple diffs.
     */
    public static FileDiffs forMode(Mode mode, String path, java.util.function.Consumer<String> warn) {
        return switch (mode) {
            case NONE -> NONE;
            case SIMPLE -> simple();
            case DIFFOSCOPE -> {
                String exe = which("diffoscope", path);
                if (exe != null) yield diffoscope(exe);
                warn.accept(INSTALL_HINT);
                yield simple();
            }
        };
    }

    public Mode mode() { return mode; }

    /** The differences going from {@code recorded} to {@code rebuilt}; empty in mode none. */
    public List<FileDiff> between(Path recorded, Path rebuilt) throws IOException {
        return switch (mode) {
            case NONE -> List.of();
            case SIMPLE -> simple(recorded, rebuilt);
            case DIFFOSCOPE -> List.of(FileDiff.plain("/", "diffoscope", runDiffoscope(recorded, rebuilt)));
        };
    }

    private static List<FileDiff> simple(Path a, Path b) throws IOException {
        Map<String, NarListing.Entry> x = index(NarListing.ofTree(a)), y = index(NarListing.ofTree(b));
        TreeSet<String> all = new TreeSet<>(x.keySet());
        all.addAll(y.keySet());
        List<FileDiff> out = new ArrayList<>();
        for (String p : all) {
            NarListing.Entry l = x.get(p), r = y.get(p);
            String shown = "/" + p;
            if (l == null || r == null) {
                NarListing.Entry e = l == null ? r : l;
                Path root = l == null ? b : a;
                String kind = l == null ? "added" : "removed";
                switch (e.type()) {
                    case REGULAR -> out.add(new FileDiff(shown, kind, null, List.of(e.size()), List.of(sha256(file(root, p)))));
                    case SYMLINK -> out.add(FileDiff.plain(shown, kind, "symlink to " + e.target()));
                    case DIRECTORY -> out.add(FileDiff.plain(shown, kind, "directory"));
                }
            } else if (l.type() != r.type()) {
                out.add(FileDiff.plain(shown, "type", name(l.type()) + " → " + name(r.type())));
            } else if (l.type() == NarListing.Type.SYMLINK) {
                if (!Objects.equals(l.target(), r.target()))
                    out.add(FileDiff.plain(shown, "symlink", l.target() + " → " + r.target()));
            } else if (l.type() == NarListing.Type.REGULAR) {
                Path fa = file(a, p), fb = file(b, p);
                if (l.size() != r.size() || Files.mismatch(fa, fb) != -1L) out.add(content(shown, fa, fb, l.size(), r.size()));
                if (l.executable() != r.executable())
                    out.add(FileDiff.plain(shown, "executable", (l.executable() ? "+x" : "-x") + " → " + (r.executable() ? "+x" : "-x")));
            }
        }
        return out;
    }

    private static FileDiff content(String shown, Path a, Path b, long sa, long sb) throws IOException {
        String ta = sa <= MAX_TEXT ? text(a) : null;
        String tb = ta != null && sb <= MAX_TEXT ? text(b) : null;
        if (ta != null && tb != null) {
            List<String> la = lines(ta), lb = lines(tb);
            List<String> u = UnifiedDiffUtils.generateUnifiedDiff("recorded" + shown, "rebuilt" + shown, la,
                    DiffUtils.diff(la, lb), 3);
            return FileDiff.plain(shown, "text", String.join("\n", u) + "\n");
        }
        return new FileDiff(shown, "binary", null, List.of(sa, sb), List.of(sha256(a), sha256(b)));
    }

    private static List<String> lines(String s) {
        List<String> l = new ArrayList<>(Arrays.asList(s.split("\n", -1)));
        if (!l.isEmpty() && l.get(l.size() - 1).isEmpty()) l.remove(l.size() - 1);
        return l;
    }

    /** The file's text when it is valid UTF-8 without NUL, else null. */
    static String text(Path f) throws IOException {
        byte[] bytes = Files.readAllBytes(f);
        for (byte c : bytes) if (c == 0) return null;
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** {@code sha256:<base16>}, as {@code sha256sum} prints the digest. */
    static String sha256(Path f) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(f)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return new Hash(HashAlgorithm.SHA256, md.digest()).toPrefixedBase16();
    }

    /** diffoscope's text report (it exits 1 when the trees differ, which is expected here). */
    private String runDiffoscope(Path a, Path b) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(diffoscope, "--no-progress", "--text", "-", a.toString(), b.toString())
                .redirectErrorStream(true);
        Process p = pb.start();
        p.getOutputStream().close();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(buf);
        }
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) p.destroyForcibly();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        String report = buf.toString(StandardCharsets.UTF_8);
        int code = p.isAlive() ? -1 : p.exitValue();
        if (code != 0 && code != 1) return "diffoscope failed (exit " + code + "):\n" + report;
        return report;
    }

    /** The executable {@code name} in the directories of {@code path}, or null. */
    static String which(String name, String path) {
        if (path == null) return null;
        for (String d : path.split(File.pathSeparator)) {
            if (d.isEmpty()) continue;
            Path f = Path.of(d, name);
            if (Files.isRegularFile(f) && Files.isExecutable(f)) return f.toString();
        }
        return null;
    }

    private static Path file(Path root, String rel) { return rel.isEmpty() ? root : root.resolve(rel); }

    private static String name(NarListing.Type t) { return t.name().toLowerCase(Locale.ROOT); }

    private static Map<String, NarListing.Entry> index(NarListing l) {
        Map<String, NarListing.Entry> m = new TreeMap<>();
        for (NarListing.Entry e : l.entries()) {
            String p = e.path();
            String k = p.equals(".") || p.equals("/") ? "" : p.startsWith("./") ? p.substring(2) : p.startsWith("/") ? p.substring(1) : p;
            m.put(k, e);
        }
        return m;
    }
}
