package org.storelog.app.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.storelog.projection.StoreView;

/** Asserts that two store views give the same answer to every query about every path either knows. */
final class SameAnswers {
    private SameAnswers() {}

    static void assertSameAnswers(StoreView expected, StoreView actual, Iterable<String> extraPaths) {
        assertEquals(expected.lastAppliedSequence(), actual.lastAppliedSequence(), "lastAppliedSequence");
        assertEquals(expected.validPaths(), actual.validPaths(), "validPaths");
        assertEquals(expected.roots(), actual.roots(), "roots");
        Set<String> all = new TreeSet<>(expected.validPaths());
        extraPaths.forEach(all::add);
        for (String p : all) {
            assertEquals(expected.isValid(p), actual.isValid(p), "isValid " + p);
            assertEquals(expected.info(p), actual.info(p), "info " + p);
            assertEquals(expected.references(p), actual.references(p), "references " + p);
            assertEquals(expected.referrers(p), actual.referrers(p), "referrers " + p);
            assertEquals(expected.requisites(List.of(p)), actual.requisites(List.of(p)), "requisites " + p);
            assertEquals(expected.referrersClosure(List.of(p)), actual.referrersClosure(List.of(p)),
                    "referrersClosure " + p);
            assertEquals(expected.deriver(p), actual.deriver(p), "deriver " + p);
            assertEquals(expected.derivationOutputs(p), actual.derivationOutputs(p), "derivationOutputs " + p);
            assertEquals(expected.validDerivers(p), actual.validDerivers(p), "validDerivers " + p);
            assertEquals(expected.history(p), actual.history(p), "history " + p);
        }
    }
}
