package org.storelog.projection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helper: every answer a view gives about a set of paths, for comparing backends. */
final class Snapshot {
    private Snapshot() {}

    static Map<String, Object> of(StoreView v, List<String> universe) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lastApplied", v.lastAppliedSequence());
        m.put("validPaths", v.validPaths());
        m.put("roots", v.roots());
        for (String p : universe) {
            m.put("isValid " + p, v.isValid(p));
            m.put("info " + p, v.info(p));
            m.put("references " + p, v.references(p));
            m.put("referrers " + p, v.referrers(p));
            m.put("requisites " + p, v.requisites(List.of(p)));
            m.put("referrersClosure " + p, v.referrersClosure(List.of(p)));
            m.put("deriver " + p, v.deriver(p));
            m.put("outputs " + p, v.derivationOutputs(p));
            m.put("validDerivers " + p, v.validDerivers(p));
            m.put("history " + p, v.history(p));
            m.put("lastBuild " + p, v.lastBuild(p));
            m.put("lastCheck " + p, v.lastCheck(p));
        }
        m.put("requisites all", v.requisites(new ArrayList<>(universe)));
        m.put("referrersClosure all", v.referrersClosure(new ArrayList<>(universe)));
        return m;
    }
}
