package org.storelog.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent;
import org.storelog.domain.event.StoreEvent.*;

/**
 * A path's provenance timeline: every event whose subjects include it, each with a sentence.
 * A path registered again after a deletion says whether its NAR hash matches the earlier one.
 */
public final class History {
    private History() {}

    public record Entry(long sequence, long timestamp, String batchId, String type, String summary, StoreEvent event) {}

    public record Timeline(String path, boolean validNow, List<Entry> entries) {}

    public static Timeline of(Store store, String path) {
        List<Long> seqs = store.view().history(path);
        List<Entry> entries = new ArrayList<>(seqs.size());
        String lastHash = null;
        long lastHashSeq = -1;
        boolean deleted = false;
        for (long seq : seqs) {
            LoggedEvent e;
            try (Stream<LoggedEvent> s = store.log().read(seq)) {
                e = s.findFirst().orElseThrow(() -> new StoreException(70, "history names event #" + seq
                        + " but the log has no such event; run 'audit replay'"));
            }
            String text = describe(e.event(), path);
            if (e.event() instanceof PathRegistered r && r.path().equals(path)) {
                if (lastHash != null && deleted)
                    text += r.narHash().equals(lastHash)
                            ? "; NAR hash matches the registration before (#" + lastHashSeq + ")"
                            : "; NAR hash DIFFERS from the registration before (#" + lastHashSeq + ": " + lastHash + ")";
                else if (lastHash != null && !r.narHash().equals(lastHash))
                    text += "; NAR hash changed from " + lastHash + " (#" + lastHashSeq + ")";
                lastHash = r.narHash();
                lastHashSeq = seq;
                deleted = false;
            }
            if (e.event() instanceof PathDeleted d && d.path().equals(path)) deleted = true;
            entries.add(new Entry(e.sequence(), e.timestamp(), e.batchId(), e.event().typeName(), text, e.event()));
        }
        return new Timeline(path, store.view().isValid(path), entries);
    }

    static String describe(StoreEvent event, String subject) {
        return switch (event) {
            case PathRegistered r -> "registered (" + r.origin().name().toLowerCase(Locale.ROOT) + "): " + r.narHash()
                    + ", " + r.narSize() + " bytes, " + r.references().size() + " reference(s)"
                    + (r.deriver() == null ? "" : ", deriver " + r.deriver())
                    + (r.signatures().isEmpty() ? "" : ", " + r.signatures().size() + " signature(s)");
            case ReferenceAdded r -> "reference added: " + r.reference();
            case DerivationOutputsDeclared d -> "outputs declared: " + d.outputs();
            case BuildStarted b -> "build " + b.buildId() + " started" + (b.variation() == null ? "" : " (variation " + b.variation() + ")");
            case BuildSucceeded b -> "build " + b.buildId() + " succeeded in " + b.durationMillis() + " ms: " + b.outputs();
            case BuildFailed b -> "build " + b.buildId() + " failed after " + b.durationMillis() + " ms: " + b.reason();
            case RebuildCompared c -> "rebuild check (" + c.rounds() + " round(s), variation " + c.variation() + "): "
                    + c.verdict() + (c.reason() == null ? "" : " — " + c.reason());
            case RootAdded r -> "root '" + r.name() + "' added";
            case RootRemoved r -> "root '" + r.name() + "' removed";
            case PathDeleted d -> "deleted" + (d.sweepId() == null ? "" : " by GC sweep " + d.sweepId()) + ": " + d.reason()
                    + " (" + d.narSize() + " bytes)";
            case PathVerified v -> v.ok() ? "contents verified" : "contents DO NOT match the recorded hash (found " + v.actualNarHash() + ")";
            case SignatureAdded s -> "signature added: " + s.signature();
            case StoreInitialized i -> "store initialized (" + i.mode() + ", " + i.storeDir() + ")";
            case GcSweepStarted g -> "GC sweep " + g.sweepId() + " started";
            case GcSweepCompleted g -> "GC sweep " + g.sweepId() + " completed";
            case StoreImported i -> "import from " + i.source();
        };
    }
}
