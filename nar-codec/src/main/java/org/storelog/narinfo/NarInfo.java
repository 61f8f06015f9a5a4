package org.storelog.narinfo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.storelog.domain.hash.Hash;

/**
 * A {@code .narinfo} file of a binary cache, as Nix's {@code src/libstore/nar-info.cc} writes and
 * reads it, and as Guix's {@code guix/scripts/publish.scm} writes it ({@code guix/narinfo.scm}
 * reads it).
 *
 * <p>Grammar: {@code narinfo = line*}, {@code line = KEY ": " VALUE "\n"}. Nix's keys are
 * {@code StorePath URL Compression FileHash FileSize NarHash NarSize References Deriver System
 * Sig* CA}; Guix repeats {@code URL}/{@code Compression}/{@code FileSize} once per compression
 * and ends with {@code Signature: 1;HOST;BASE64}, which signs the text above it. Unknown keys
 * are kept. The fields are held in file order, so {@link #print()} of a parsed narinfo gives
 * back its bytes exactly; the typed accessors read from them.
 */
public final class NarInfo {
    /** One {@code KEY: VALUE} line. */
    public record Field(String key, String value) {
        public Field {
            if (key.isEmpty() || key.indexOf('\n') >= 0 || key.contains(": "))
                throw new IllegalArgumentException("bad narinfo key '" + key + "'");
            if (value.indexOf('\n') >= 0)
                throw new IllegalArgumentException("narinfo value of " + key + " contains a newline");
        }
    }

    /** Keys that may appear at most once (Guix repeats URL, Compression and FileSize). */
    private static final List<String> SINGLE = List.of(
            "StorePath", "FileHash", "NarHash", "NarSize", "References", "Deriver", "System", "CA", "Signature");
    private static final Pattern BASENAME = Pattern.compile("[0-9a-df-np-sv-z]{32}-[A-Za-z0-9+\\-._?=]+");

    private final List<Field> fields;
    private final String storePath;
    private final Hash narHash;
    private final long narSize;

    private NarInfo(List<Field> fields) {
        this.fields = List.copyOf(fields);
        this.storePath = first("StorePath").orElseThrow();
        this.narHash = Hash.parse(first("NarHash").orElseThrow());
        this.narSize = Long.parseLong(first("NarSize").orElseThrow());
    }

    /** Parses narinfo text; every line must end with a newline, as Nix requires. */
    public static NarInfo parse(String text) {
        List<Field> fields = new ArrayList<>();
        int pos = 0;
        int lineNo = 0;
        while (pos < text.length()) {
            lineNo++;
            int eol = text.indexOf('\n', pos);
            if (eol < 0) throw new NarInfoFormatException("last line does not end with a newline", lineNo);
            String line = text.substring(pos, eol);
            pos = eol + 1;
            int sep = line.indexOf(": ");
            if (sep <= 0) throw new NarInfoFormatException("expected 'Key: value', got '" + line + "'", lineNo);
            Field f = new Field(line.substring(0, sep), line.substring(sep + 2));
            check(f, lineNo, fields);
            fields.add(f);
        }
        for (String required : List.of("StorePath", "URL", "NarHash", "NarSize"))
            if (fields.stream().noneMatch(f -> f.key().equals(required)))
                throw new NarInfoFormatException("missing field " + required, 0);
        return new NarInfo(fields);
    }

    public static NarInfo parse(byte[] bytes) { return parse(new String(bytes, StandardCharsets.UTF_8)); }

    private static void check(Field f, int lineNo, List<Field> before) {
        String v = f.value();
        if (SINGLE.contains(f.key()) && before.stream().anyMatch(b -> b.key().equals(f.key())))
            throw new NarInfoFormatException("duplicate field " + f.key(), lineNo);
        try {
            switch (f.key()) {
                case "StorePath" -> {
                    int slash = v.lastIndexOf('/');
                    if (!v.startsWith("/") || slash <= 0 || !BASENAME.matcher(v.substring(slash + 1)).matches())
                        throw new NarInfoFormatException("bad store path '" + v + "'", lineNo);
                }
                case "NarHash", "FileHash" -> Hash.parse(v);
                case "NarSize", "FileSize" -> {
                    if (!v.matches("[0-9]{1,19}")) throw new NarInfoFormatException(
                            f.key() + " is not a number: '" + v + "'", lineNo);
                    Long.parseLong(v);
                }
                case "References" -> {
                    for (String r : v.split(" ", -1))
                        if (!r.isEmpty() && !BASENAME.matcher(r).matches())
                            throw new NarInfoFormatException("bad reference '" + r + "'", lineNo);
                }
                case "Deriver" -> {
                    if (!BASENAME.matcher(v).matches() && !v.equals("unknown-deriver"))
                        throw new NarInfoFormatException("bad deriver '" + v + "'", lineNo);
                }
                case "URL" -> {
                    if (v.isEmpty()) throw new NarInfoFormatException("empty URL", lineNo);
                }
                default -> { }
            }
        } catch (NumberFormatException e) {
            throw new NarInfoFormatException(f.key() + " is out of range: '" + v + "'", lineNo);
        } catch (IllegalArgumentException e) {
            throw new NarInfoFormatException(e.getMessage(), lineNo);
        }
    }

    /** The narinfo text: the fields in order, each {@code KEY: VALUE\n}. */
    public String print() {
        StringBuilder sb = new StringBuilder();
        for (Field f : fields) sb.append(f.key()).append(": ").append(f.value()).append('\n');
        return sb.toString();
    }

    public byte[] toBytes() { return print().getBytes(StandardCharsets.UTF_8); }

    @Override public String toString() { return print(); }

    public List<Field> fields() { return fields; }

    public Optional<String> first(String key) {
        return fields.stream().filter(f -> f.key().equals(key)).map(Field::value).findFirst();
    }

    public List<String> all(String key) {
        return fields.stream().filter(f -> f.key().equals(key)).map(Field::value).toList();
    }

    /** Full store path, e.g. {@code /nix/store/…-hello-2.12}. */
    public String storePath() { return storePath; }

    /** The store directory of {@link #storePath()}: {@code /nix/store} or {@code /gnu/store}. */
    public String storeDir() { return storePath.substring(0, storePath.lastIndexOf('/')); }

    public String url() { return first("URL").orElseThrow(); }
    public List<String> urls() { return all("URL"); }

    /** Compression of the first URL; Nix assumes {@code bzip2} when the field is absent. */
    public String compression() { return first("Compression").orElse("bzip2"); }
    public List<String> compressions() { return all("Compression"); }

    public Optional<Hash> fileHash() { return first("FileHash").map(Hash::parse); }

    public OptionalLong fileSize() {
        return first("FileSize").map(s -> OptionalLong.of(Long.parseLong(s))).orElse(OptionalLong.empty());
    }

    public Hash narHash() { return narHash; }
    public long narSize() { return narSize; }

    /** References as written: base names, in file order. */
    public List<String> references() {
        return first("References").map(v -> v.isEmpty() ? List.<String>of()
                : List.of(v.split(" "))).orElse(List.of());
    }

    /** References as full store paths, sorted as Nix's {@code StorePathSet}. */
    public List<String> referencePaths() {
        TreeSet<String> sorted = new TreeSet<>(references());
        return sorted.stream().map(r -> storeDir() + "/" + r).toList();
    }

    public Optional<String> deriver() { return first("Deriver"); }
    public Optional<String> system() { return first("System"); }
    public Optional<String> ca() { return first("CA"); }

    /** Nix signatures ({@code Sig:} lines), {@code name:base64}. */
    public List<String> sigs() { return all("Sig"); }

    /** Guix's {@code Signature:} value, {@code 1;HOST;BASE64}, if any. */
    public Optional<String> guixSignature() { return first("Signature"); }

    /** The text Guix signs: everything above the {@code Signature:} line (all text if none). */
    public String textBeforeGuixSignature() {
        StringBuilder sb = new StringBuilder();
        for (Field f : fields) {
            if (f.key().equals("Signature")) break;
            sb.append(f.key()).append(": ").append(f.value()).append('\n');
        }
        return sb.toString();
    }

    /** Nix's {@code ValidPathInfo::fingerprint} of this narinfo. */
    public String fingerprint() {
        return Fingerprint.of(storePath, narHash, narSize, referencePaths());
    }

    /**
     * A copy with {@code sig} added to the {@code Sig:} lines. Nix keeps signatures in a sorted
     * set, so the lines are re-sorted in place; with none yet, the line goes where Nix prints it
     * (before {@code CA:}, else last). In a Guix narinfo it goes last, below {@code Signature:},
     * so the text Guix signed is left unchanged.
     */
    public NarInfo withSig(String sig) {
        if (sig.isEmpty() || sig.indexOf('\n') >= 0) throw new IllegalArgumentException("bad signature");
        TreeSet<String> sigs = new TreeSet<>(sigs());
        if (!sigs.add(sig)) return this;
        List<Field> out = new ArrayList<>();
        boolean placed = false;
        for (Field f : fields) {
            if (f.key().equals("Sig")) {
                if (!placed) sigs.forEach(s -> out.add(new Field("Sig", s)));
                placed = true;
                continue;
            }
            if (!placed && f.key().equals("CA") && guixSignature().isEmpty()) {
                sigs.forEach(s -> out.add(new Field("Sig", s)));
                placed = true;
            }
            out.add(f);
        }
        if (!placed) sigs.forEach(s -> out.add(new Field("Sig", s)));
        return new NarInfo(out);
    }

    /** A copy with every {@code Sig:} line removed. */
    public NarInfo withoutSigs() {
        return new NarInfo(fields.stream().filter(f -> !f.key().equals("Sig")).toList());
    }

    /** Builds a narinfo in the order Nix's {@code NarInfo::to_string} prints. */
    public static Builder builder(String storePath, Hash narHash, long narSize) {
        return new Builder(storePath, narHash, narSize);
    }

    /** Collects Nix's fields; {@link #build()} prints and re-parses them. */
    public static final class Builder {
        private final String storePath;
        private final Hash narHash;
        private final long narSize;
        private String url;
        private String compression = "none";
        private Hash fileHash;
        private Long fileSize;
        private final TreeSet<String> references = new TreeSet<>();
        private String deriver;
        private String system;
        private final TreeSet<String> sigs = new TreeSet<>();
        private String ca;

        private Builder(String storePath, Hash narHash, long narSize) {
            this.storePath = storePath;
            this.narHash = narHash;
            this.narSize = narSize;
            this.url = "nar/" + narHash.toNix32() + ".nar";
        }

        public Builder url(String u) { url = u; return this; }
        public Builder compression(String c) { compression = c; return this; }
        public Builder file(Hash hash, long size) { fileHash = hash; fileSize = size; return this; }
        /** A reference, as a base name or a full store path. */
        public Builder reference(String r) { references.add(r.substring(r.lastIndexOf('/') + 1)); return this; }
        public Builder deriver(String d) { deriver = d.substring(d.lastIndexOf('/') + 1); return this; }
        public Builder system(String s) { system = s; return this; }
        public Builder sig(String s) { sigs.add(s); return this; }
        public Builder ca(String c) { ca = c; return this; }

        public NarInfo build() {
            StringBuilder sb = new StringBuilder();
            sb.append("StorePath: ").append(storePath).append('\n');
            sb.append("URL: ").append(url).append('\n');
            sb.append("Compression: ").append(compression).append('\n');
            if (fileHash != null) sb.append("FileHash: ").append(fileHash.toPrefixedNix32()).append('\n');
            if (fileSize != null) sb.append("FileSize: ").append(fileSize).append('\n');
            sb.append("NarHash: ").append(narHash.toPrefixedNix32()).append('\n');
            sb.append("NarSize: ").append(narSize).append('\n');
            sb.append("References: ").append(String.join(" ", references)).append('\n');
            if (deriver != null) sb.append("Deriver: ").append(deriver).append('\n');
            if (system != null && !system.isEmpty()) sb.append("System: ").append(system).append('\n');
            for (String s : sigs) sb.append("Sig: ").append(s).append('\n');
            if (ca != null) sb.append("CA: ").append(ca).append('\n');
            return parse(sb.toString());
        }
    }
}
