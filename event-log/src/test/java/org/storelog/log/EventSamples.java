package org.storelog.log;

import java.util.List;
import java.util.Map;
import org.storelog.domain.event.StoreEvent;
import org.storelog.domain.event.StoreEvent.*;

/** One fixed example of every event type, used by the golden files and the engine tests. */
public final class EventSamples {
    private EventSamples() {}

    static final String P1 = "/nix/store/0c7c9yhbsxqcvj9dfrq0xs7ar7r1y8ll-hello-2.12.1";
    static final String P2 = "/nix/store/9krlzvny65gdc8s7kpb6lkx8cd02c25b-glibc-2.37-8";
    static final String DRV = "/nix/store/qhzjr3vhq9wkq9d4b1w3a1jxlgs9wzzp-hello-2.12.1.drv";
    static final String H = "sha256:1l2mcqmxhqzb1b3zs3bxwyfnz6vzfgszjb2cby5k7bq2rsr0lkvw";

    public static List<StoreEvent> all() {
        return List.of(
                new StoreInitialized("/nix/store", "standalone", "/var/lib/storelog/root"),
                new PathRegistered(P1, H, 226560, List.of(P2, P1), DRV, null,
                        List.of("cache.nixos.org-1:abc="), 1700000000L, Origin.BUILT),
                new ReferenceAdded(P1, P2),
                new DerivationOutputsDeclared(DRV, Map.of("out", P1, "dev", P2)),
                new BuildStarted(DRV, "b-1", "none"),
                new BuildSucceeded(DRV, "b-1", Map.of("out", P1), 1234),
                new BuildFailed(DRV, "b-2", "builder exited with status 1", 56),
                new RebuildCompared(DRV, "diverged", "output differs",
                        Map.of("out", new OutputComparison(P1, H, List.of(H, "sha256:0000000000000000000000000000000000000000000000000000"),
                                List.of("share/doc/timestamp"))), "standard", 2),
                new RootAdded("profile", P1),
                new RootRemoved("profile", P1),
                new GcSweepStarted("gc-1", false, true, Long.MAX_VALUE, 3, 4096),
                new PathDeleted(P2, "gc-1", "dead", 4096),
                new GcSweepCompleted("gc-1", 4096, 1, true),
                new PathVerified(P1, true, H),
                new SignatureAdded(P1, "mykey-1:sig="),
                new StoreImported("/nix/var/nix/db/db.sqlite", "nix-db", 10, 1, 200));
    }
}
