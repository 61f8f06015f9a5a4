package org.storelog.domain.event;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every store mutation, as an immutable record named in the past tense.
 *
 * <p>Store paths are absolute logical paths ({@code /nix/store/<hash>-<name>}); hashes are
 * {@code sha256:<nix32>}. Sequence number, timestamp and batch id are not part of the payload:
 * the log assigns them ({@link LoggedEvent}). A store operation appends its events as one batch.
 * The JSON type name of each record is its simple name; its revision is {@link #REVISIONS}.
 */
public sealed interface StoreEvent {

    /** Current payload revision per type name; older revisions are upcast by the event log. */
    Map<String, Integer> REVISIONS = Map.ofEntries(
            Map.entry("StoreInitialized", 1),
            Map.entry("PathRegistered", 2),
            Map.entry("ReferenceAdded", 1),
            Map.entry("DerivationOutputsDeclared", 1),
            Map.entry("BuildStarted", 1),
            Map.entry("BuildSucceeded", 1),
            Map.entry("BuildFailed", 1),
            Map.entry("RebuildCompared", 1),
            Map.entry("RootAdded", 1),
            Map.entry("RootRemoved", 1),
            Map.entry("GcSweepStarted", 1),
            Map.entry("PathDeleted", 1),
            Map.entry("GcSweepCompleted", 1),
            Map.entry("PathVerified", 1),
            Map.entry("SignatureAdded", 1),
            Map.entry("StoreImported", 1));

    /** Type name used in the log and in JSON. */
    default String typeName() { return getClass().getSimpleName(); }

    /** The store paths this event concerns, for the per-path history index. */
    List<String> subjects();

    /** How a path came to be registered. */
    enum Origin { ADDED, IMPORTED, BUILT, SUBSTITUTED, TEXT }

    /** A store was created: its logical store directory, mode and where its files live. */
    record StoreInitialized(String storeDir, String mode, String physicalRoot) implements StoreEvent {
        public List<String> subjects() { return List.of(); }
    }

    /**
     * A path became valid, with its references as Nix's {@code ValidPathInfo} holds them.
     * Revision 2 added {@code origin} (revision 1 payloads are upcast with origin IMPORTED).
     */
    record PathRegistered(String path, String narHash, long narSize, List<String> references,
                          String deriver, String ca, List<String> signatures,
                          long registrationTime, Origin origin) implements StoreEvent {
        public PathRegistered {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(narHash, "narHash");
            references = List.copyOf(references);
            signatures = signatures == null ? List.of() : List.copyOf(signatures);
            origin = origin == null ? Origin.IMPORTED : origin;
        }
        public List<String> subjects() { return List.of(path); }
    }

    /** A reference recorded after registration. */
    record ReferenceAdded(String path, String reference) implements StoreEvent {
        public List<String> subjects() { return List.of(path); }
    }

    /** A derivation's outputs: output name to output path. */
    record DerivationOutputsDeclared(String drvPath, Map<String, String> outputs) implements StoreEvent {
        public DerivationOutputsDeclared { outputs = Map.copyOf(outputs); }
        public List<String> subjects() { return List.of(drvPath); }
    }

    record BuildStarted(String drvPath, String buildId, String variation) implements StoreEvent {
        public List<String> subjects() { return List.of(drvPath); }
    }

    /** Outputs: name to path; each output is registered by its own {@link PathRegistered} in the same batch. */
    record BuildSucceeded(String drvPath, String buildId, Map<String, String> outputs, long durationMillis)
            implements StoreEvent {
        public BuildSucceeded { outputs = Map.copyOf(outputs); }
        public List<String> subjects() { return List.of(drvPath); }
    }

    record BuildFailed(String drvPath, String buildId, String reason, long durationMillis) implements StoreEvent {
        public List<String> subjects() { return List.of(drvPath); }
    }

    /** One output's comparison in a rebuild check. Hashes are {@code sha256:<nix32>}; recorded may be null. */
    record OutputComparison(String path, String recorded, List<String> rebuilt, List<String> differingFiles) {
        public OutputComparison {
            rebuilt = List.copyOf(rebuilt);
            differingFiles = differingFiles == null ? List.of() : List.copyOf(differingFiles);
        }
    }

    /** Result of {@code audit rebuild --check}: verdict is reproducible, diverged or inconclusive. */
    record RebuildCompared(String drvPath, String verdict, String reason, Map<String, OutputComparison> outputs,
                           String variation, int rounds) implements StoreEvent {
        public RebuildCompared { outputs = Map.copyOf(outputs); }
        public List<String> subjects() {
            var l = new java.util.ArrayList<String>();
            l.add(drvPath);
            outputs.values().forEach(o -> l.add(o.path()));
            return l;
        }
    }

    record RootAdded(String name, String path) implements StoreEvent {
        public List<String> subjects() { return List.of(path); }
    }

    record RootRemoved(String name, String path) implements StoreEvent {
        public List<String> subjects() { return List.of(path); }
    }

    record GcSweepStarted(String sweepId, boolean keepDerivations, boolean keepOutputs, long maxFreed,
                          int deadCount, long deadBytes) implements StoreEvent {
        public List<String> subjects() { return List.of(); }
    }

    /** A path stopped being valid: by a sweep (sweepId set) or because it vanished from an imported source. */
    record PathDeleted(String path, String sweepId, String reason, long narSize) implements StoreEvent {
        public List<String> subjects() { return List.of(path); }
    }

    record GcSweepCompleted(String sweepId, long freedBytes, int deletedCount, boolean complete) implements StoreEvent {
        public List<String> subjects() { return List.of(); }
    }

    /** Contents checked against the recorded NAR hash. */
    record PathVerified(String path, boolean ok, String actualNarHash) implements StoreEvent {
        public List<String> subjects() { return List.of(path); }
    }

    record SignatureAdded(String path, String signature) implements StoreEvent {
        public List<String> subjects() { return List.of(path); }
    }

    /** Closes an import batch: where from and what changed. */
    record StoreImported(String source, String kind, int registered, int deleted, int unchanged) implements StoreEvent {
        public List<String> subjects() { return List.of(); }
    }
}
