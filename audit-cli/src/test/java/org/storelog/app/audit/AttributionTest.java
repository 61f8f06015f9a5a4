package org.storelog.app.audit;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.storelog.sandbox.Variation;

/** Which single variation suffices, with the rebuilds replaced by a function of the environment. */
class AttributionTest {
    final List<Variation> built = new ArrayList<>();

    /** A "build" whose output differs from the reference exactly when {@code differs} holds. */
    Attribution.Trial outputDiffersWhen(Predicate<Variation> differs) {
        return (v, label) -> {
            built.add(v);
            return differs.test(v) ? Attribution.DIFFERS : Attribution.SAME;
        };
    }

    VariationPlan standard() { return VariationPlan.parse("standard").withHostCpus(2); }

    @Test void hostnameAlone_isNamed_afterAPlainRebuildAndOneTrialPerVariation() {
        Attribution a = Attribution.find(standard(), 2, outputDiffersWhen(v -> !v.hostname().equals("localhost")));
        assertEquals(Attribution.Kind.VARIATION, a.kind());
        assertEquals(List.of("hostname"), a.causes());
        assertEquals("caused by: hostname", a.explanation());
        assertEquals(List.of("plain", "build-dir", "hostname", "ids", "cpus", "umask", "build-dir-fs"), List.copyOf(a.trials().keySet()));
        assertEquals(Variation.NONE, built.get(0));
        assertEquals(7, built.size());
    }

    @Test void twoSufficientVariations_areBothNamed() {
        Attribution a = Attribution.find(standard(), 2, outputDiffersWhen(v -> v.umask() != 0022 || v.uid() != 1000));
        assertEquals(List.of("ids", "umask"), a.causes());
        assertEquals("caused by: ids, umask", a.explanation());
    }

    @Test void plainRebuildDiffering_blamesNoVariation_andTriesNoneAlone() {
        Attribution a = Attribution.find(standard(), 2, outputDiffersWhen(v -> true));
        assertEquals(Attribution.Kind.NON_DETERMINISTIC, a.kind());
        assertEquals(List.of(), a.causes());
        assertEquals(Map.of("plain", "differs"), a.trials());
        assertEquals(1, built.size());
        assertTrue(a.explanation().contains("non-deterministic even without variation"), a.explanation());
    }

    @Test void onlyACombination_isSaidToTakeACombination() {
        Attribution a = Attribution.find(VariationPlan.parse("hostname,umask"), 2,
                outputDiffersWhen(v -> !v.hostname().equals("localhost") && v.umask() != 0022));
        assertEquals(Attribution.Kind.NO_SINGLE_VARIATION, a.kind());
        assertEquals(List.of(), a.causes());
        assertTrue(a.explanation().startsWith("no single variation suffices"), a.explanation());
        assertTrue(a.explanation().contains("hostname, umask"), a.explanation());
    }

    @Test void failedTrial_isRecorded_andNotBlamed() {
        Attribution a = Attribution.find(VariationPlan.parse("hostname,umask"), 2, (v, label) ->
                label.equals("umask") ? "failed: builder exited with 1" : Attribution.SAME);
        assertEquals("failed: builder exited with 1", a.trials().get("umask"));
        assertEquals(Attribution.Kind.NO_SINGLE_VARIATION, a.kind());
    }

    @Test void singleVariations_takeTheValuesOfTheDivergingRound() {
        Attribution.find(VariationPlan.parse("hostname"), 3, outputDiffersWhen(v -> false));
        assertEquals(List.of(Variation.NONE, Variation.NONE.withHostname("rebuild-2")), built);
    }

    @Test void cpusOnAOneCpuMachine_isNotTried() {
        Attribution a = Attribution.find(VariationPlan.parse("cpus,umask").withHostCpus(1), 2, outputDiffersWhen(v -> false));
        assertEquals(List.of("plain", "umask"), List.copyOf(a.trials().keySet()));
    }
}
