package org.storelog.app.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.storelog.sandbox.Variation;

/**
 * Why a varied round's outputs differ from the reference (the recorded outputs, or round 1's):
 * found, as reprotest's {@code --auto-build} does, by rebuilding once more with each single variation
 * alone. First a plain rebuild (nothing varied): if it differs too, the build is non-deterministic by
 * itself (time, randomness, scheduling) and no variation is blamed. Otherwise each variation of the
 * diverging round is tried alone; those whose rebuild differs are the causes. If none does, only a
 * combination causes the difference, or the non-determinism is intermittent.
 *
 * <p>"Caused by X" means: changing X alone was enough to change the output in this run. The trials are
 * builds, so an intermittent non-determinism can still make a variation look guilty; the plain rebuild
 * makes that less likely, not impossible.
 *
 * @param kind   what was found
 * @param causes labels of the variations that suffice alone (empty unless {@link Kind#VARIATION})
 * @param trials every trial rebuild made, in order: {@code plain} or a variation label → {@code same},
 *               {@code differs} or {@code failed: …}
 */
public record Attribution(Kind kind, List<String> causes, Map<String, String> trials) {
    public enum Kind {
        /** One or more single variations suffice to change the output. */
        VARIATION("variation"),
        /** A rebuild with nothing varied differs as well. */
        NON_DETERMINISTIC("non-deterministic"),
        /** Neither a plain rebuild nor any single variation reproduces the difference. */
        NO_SINGLE_VARIATION("no-single-variation");

        private final String word;

        Kind(String word) { this.word = word; }

        /** The word used in JSON. */
        public String word() { return word; }
    }

    public static final String SAME = "same";
    public static final String DIFFERS = "differs";
    public static final String PLAIN = "plain";

    public Attribution {
        causes = List.copyOf(causes);
        trials = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(trials));
    }

    /** One trial rebuild: builds in {@code v} and says whether the outputs equal the reference. */
    @FunctionalInterface
    public interface Trial {
        /**
         * @return {@link #SAME}, {@link #DIFFERS}, or {@code failed: REASON} when the build did not complete
         */
        String rebuild(Variation v, String label);
    }

    /**
     * Runs the trials for a round that diverged.
     *
     * @param plan  the plan whose round {@code round} diverged
     * @param round the diverging round (≥ 2), whose values the single variations take
     * @param trial builds and compares with the reference
     */
    public static Attribution find(VariationPlan plan, int round, Trial trial) {
        Map<String, String> trials = new LinkedHashMap<>();
        String plain = trial.rebuild(plan.plain(), PLAIN);
        trials.put(PLAIN, plain);
        if (plain.equals(DIFFERS)) return new Attribution(Kind.NON_DETERMINISTIC, List.of(), trials);
        List<String> causes = new ArrayList<>();
        for (VariationPlan.Kind k : plan.kinds()) {
            Variation v = plan.single(k, round);
            if (v.equals(plan.plain())) continue; // e.g. cpus on a one-CPU machine: nothing to try
            String r = trial.rebuild(v, k.label());
            trials.put(k.label(), r);
            if (r.equals(DIFFERS)) causes.add(k.label());
        }
        return new Attribution(causes.isEmpty() ? Kind.NO_SINGLE_VARIATION : Kind.VARIATION, causes, trials);
    }

    /** The verdict is non-deterministic without any variation, established without extra builds (round 1 differed). */
    public static Attribution nonDeterministicInRound1() {
        return new Attribution(Kind.NON_DETERMINISTIC, List.of(), Map.of());
    }

    /** One sentence for the verdict reason and the text report. */
    public String explanation() {
        return switch (kind) {
            case VARIATION -> "caused by: " + String.join(", ", causes);
            case NON_DETERMINISTIC -> "not caused by a variation: the build is non-deterministic even without variation "
                    + "(e.g. it records the time or random data)"
                    + (trials.isEmpty() ? ", round 1 in Nix's environment already differs" : ", a plain rebuild differs too");
            case NO_SINGLE_VARIATION -> "no single variation suffices to cause the difference (tried alone: "
                    + String.join(", ", trials.keySet().stream().filter(t -> !t.equals(PLAIN)).toList())
                    + "); it takes a combination, or the build is intermittently non-deterministic";
        };
    }
}
