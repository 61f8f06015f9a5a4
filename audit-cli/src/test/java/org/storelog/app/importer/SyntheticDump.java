package org.storelog.app.importer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * Synthetic stores as {@code nix-store --dump-db} text (the layout bench/gen_store.py writes): path i
 * refers only to paths before it, targets skewed towards the oldest paths (power-law fan-in).
 */
public final class SyntheticDump {
    private static final String NIX32 = "0123456789abcdfghijklmnpqrsvwxyz";

    public record Entry(String path, String narHashHex, long narSize, String deriver, List<String> references) {}

    private SyntheticDump() {}

    /** {@code n} distinct, valid store paths under /nix/store, deterministic in {@code seed}. */
    public static List<String> paths(int n, long seed) {
        Random rnd = new Random(seed);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            StringBuilder h = new StringBuilder("/nix/store/");
            for (int k = 0; k < 32; k++) h.append(NIX32.charAt(rnd.nextInt(32)));
            out.add(h.append("-pkg").append(i).append('-').append(seed).toString());
        }
        return out;
    }

    /** Entries over {@code paths}, each with up to ~2×{@code refs} references to earlier paths. */
    public static List<Entry> entries(List<String> paths, int refs, long seed) {
        Random rnd = new Random(seed ^ 0x5eed);
        List<Entry> out = new ArrayList<>(paths.size());
        for (int i = 0; i < paths.size(); i++) {
            TreeSet<String> r = new TreeSet<>();
            int k = i == 0 ? 0 : Math.min(i, rnd.nextInt(2 * refs + 1));
            while (r.size() < k) r.add(paths.get((int) (i * Math.pow(rnd.nextDouble(), 4))));
            StringBuilder hex = new StringBuilder();
            for (int b = 0; b < 4; b++) hex.append(String.format("%016x", rnd.nextLong()));
            String deriver = i % 3 == 0 ? null : paths.get(i).replace("-pkg", "-drv") + ".drv";
            out.add(new Entry(paths.get(i), hex.toString(), 120 + rnd.nextInt(1 << 20), deriver, List.copyOf(r)));
        }
        return out;
    }

    /** The dump-db text of {@code entries}. */
    public static String text(List<Entry> entries) {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            sb.append(e.path()).append('\n').append(e.narHashHex()).append('\n').append(e.narSize()).append('\n')
                    .append(e.deriver() == null ? "" : e.deriver()).append('\n')
                    .append(e.references().size()).append('\n');
            for (String r : e.references()) sb.append(r).append('\n');
        }
        return sb.toString();
    }

    public static String text(int n, long seed) { return text(entries(paths(n, seed), 5, seed)); }
}
