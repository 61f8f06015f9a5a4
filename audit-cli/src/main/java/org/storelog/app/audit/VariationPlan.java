package org.storelog.app.audit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.storelog.sandbox.Variation;

/**
 * Which environment each round of {@code audit rebuild --check --vary …} builds in, in the spirit of
 * reprotest's "variations" and Guix's {@code --rounds}: round 1 is always Nix's own sandbox
 * ({@link Variation#NONE}, or the caller's base), and every later round changes each chosen
 * {@link Kind} at once, to a value that differs from Nix's and from the other later rounds. The
 * attribution step ({@link Attribution}) rebuilds with one kind at a time, using the values of
 * the round that diverged ({@link #single}).
 *
 * <p>{@code --vary none} → no kind (every round is Nix's environment); {@code --vary standard} →
 * every kind; {@code --vary hostname,umask} → those kinds.
 */
public final class VariationPlan {
    /** One thing that a varied round changes. Its {@link #label()} is the name users give in {@code --vary}. */
    public enum Kind {
        /** The build directory's path ({@code /build} in Nix's sandbox). */
        BUILD_DIR("build-dir"),
        /** The host name ({@code localhost}). */
        HOSTNAME("hostname"),
        /** The builder's uid and gid (1000 / 100), hence also the uid mapping of the user namespace. */
        IDS("ids"),
        /** The CPUs the builder may run on (affinity), hence {@code nproc} and {@code NIX_BUILD_CORES}. */
        CPUS("cpus"),
        /** The umask the builder starts with (0022). */
        UMASK("umask"),
        /** The build directory's file system: a fresh tmpfs instead of the disk, which changes readdir order. */
        BUILD_DIR_FS("build-dir-fs");

        // Each keeps 022 masked: Nix (and our builder) reject an output root that is group- or
        // world-writable, so a umask such as 0002 would fail every build instead of revealing a bug.
        private static final int[] UMASKS = {0077, 0027, 0037};

        private final String label;

        Kind(String label) { this.label = label; }

        public String label() { return label; }

        /**
         * {@code base} with this kind changed for the {@code k}-th varied round ({@code k ≥ 1}, i.e.
         * round {@code k + 1}); {@code hostCpus} is the number of CPUs this process may use.
         */
        public Variation apply(Variation base, int k, int hostCpus) {
            if (k < 1) throw new IllegalArgumentException("varied rounds are numbered from 1: " + k);
            return switch (this) {
                case BUILD_DIR -> base.withBuildDir("/tmp/nix-build-rebuild-" + k);
                case HOSTNAME -> base.withHostname("rebuild-" + k);
                case IDS -> base.withIds(30000 + k, 30000 + k);
                // Fewer CPUs than the host has, cycling through 1 .. hostCpus-1; one CPU leaves nothing to vary.
                case CPUS -> hostCpus > 1 ? base.withCpuCount(1 + (k - 1) % (hostCpus - 1)) : base;
                case UMASK -> base.withUmask(UMASKS[(k - 1) % UMASKS.length]);
                case BUILD_DIR_FS -> base.withBuildDirOnTmpfs(!base.buildDirOnTmpfs());
            };
        }

        /** The kind labelled {@code label}, or null. */
        public static Kind byLabel(String label) {
            for (Kind k : values()) if (k.label.equals(label)) return k;
            return null;
        }

        /** Every label, comma-separated, in declaration order. */
        public static String labels() {
            return Arrays.stream(values()).map(Kind::label).collect(Collectors.joining(", "));
        }
    }

    /** An unknown variation name (or an empty one) in {@code --vary}; {@link #getMessage()} lists the valid names. */
    public static final class UnknownVariationException extends IllegalArgumentException {
        private final String name;

        UnknownVariationException(String name, String spec) {
            super("--vary " + spec + ": unknown variation '" + name + "'; valid: none, standard, or a comma-separated "
                    + "list of " + Kind.labels());
            this.name = name;
        }

        /** The offending name as given. */
        public String name() { return name; }
    }

    private static final VariationPlan NONE = new VariationPlan(EnumSet.noneOf(Kind.class), Variation.NONE,
            Runtime.getRuntime().availableProcessors());

    private final Set<Kind> kinds;
    private final Variation base;
    private final int hostCpus;

    private VariationPlan(Set<Kind> kinds, Variation base, int hostCpus) {
        this.kinds = kinds.isEmpty() ? EnumSet.noneOf(Kind.class) : EnumSet.copyOf(kinds);
        this.base = base;
        this.hostCpus = hostCpus;
    }

    /** Every round in Nix's environment. */
    public static VariationPlan none() { return NONE; }

    /** Every round in {@code v} (the behaviour before variations existed). */
    public static VariationPlan fixed(Variation v) {
        return v == null || v.isNone() ? NONE : new VariationPlan(EnumSet.noneOf(Kind.class), v, NONE.hostCpus);
    }

    /** Round 1 in Nix's environment, later rounds with {@code kinds} varied. */
    public static VariationPlan of(Set<Kind> kinds) {
        return new VariationPlan(kinds, Variation.NONE, Runtime.getRuntime().availableProcessors());
    }

    /** The same plan as if the machine let us use {@code cpus} CPUs (for tests). */
    public VariationPlan withHostCpus(int cpus) {
        if (cpus < 1) throw new IllegalArgumentException("cpus must be at least 1: " + cpus);
        return new VariationPlan(kinds, base, cpus);
    }

    /**
     * Parses {@code --vary}: {@code none}, {@code standard} or a comma-separated list of
     * {@link Kind#label() labels} (case-insensitive, spaces around names ignored, repeats allowed).
     *
     * @throws UnknownVariationException for an unknown or empty name
     */
    public static VariationPlan parse(String spec) {
        if (spec == null) return NONE;
        String s = spec.strip().toLowerCase(Locale.ROOT);
        if (s.equals("none")) return NONE;
        if (s.equals("standard")) return of(EnumSet.allOf(Kind.class));
        EnumSet<Kind> kinds = EnumSet.noneOf(Kind.class);
        for (String part : s.split(",", -1)) {
            Kind k = Kind.byLabel(part.strip());
            if (k == null) throw new UnknownVariationException(part.strip(), spec);
            kinds.add(k);
        }
        return of(kinds);
    }

    /** The kinds varied in rounds after the first, in declaration order; empty for {@code none}. */
    public List<Kind> kinds() { return List.copyOf(kinds); }

    /** True if every round builds in the same environment. */
    public boolean isNone() { return kinds.isEmpty(); }

    /** Rounds when the user gives none: 1 without variations (compare with the record), else 2. */
    public int defaultRounds() { return isNone() ? 1 : 2; }

    /** The environment of round {@code round} (1-based): the base for round 1, every kind varied afterwards. */
    public Variation forRound(int round) {
        if (round < 1) throw new IllegalArgumentException("rounds are numbered from 1: " + round);
        Variation v = base;
        if (round == 1) return v;
        for (Kind k : kinds) v = k.apply(v, round - 1, hostCpus);
        return v;
    }

    /** The environment with only {@code kind} changed, to the value it has in round {@code round} (≥ 2). */
    public Variation single(Kind kind, int round) {
        if (round < 2) throw new IllegalArgumentException("round 1 varies nothing");
        return kind.apply(base, round - 1, hostCpus);
    }

    /** The environment of a plain rebuild: nothing varied. */
    public Variation plain() { return base; }

    /**
     * What the rounds used, for reports and the {@code RebuildCompared} event: {@link Variation#describe()}
     * when every round used the same environment (e.g. {@code none}), else one entry per round,
     * {@code round 1: none; round 2: build-dir=…,hostname=…}.
     */
    public String describe(int rounds) {
        List<String> parts = new ArrayList<>();
        boolean same = true;
        for (int i = 1; i <= rounds; i++) {
            String d = forRound(i).describe();
            parts.add("round " + i + ": " + d);
            if (!d.equals(forRound(1).describe())) same = false;
        }
        return same ? forRound(1).describe() : String.join("; ", parts);
    }

    @Override
    public String toString() {
        return isNone() ? "none" : kinds.stream().map(Kind::label).collect(Collectors.joining(","));
    }
}
