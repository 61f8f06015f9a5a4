package org.storelog.projection;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * Read side of the store, folded from the event log (the questions {@code nix-store -q} answers,
 * plus roots, per-path history and build/check results).
 *
 * <p>Paths are absolute logical store path strings. Lists of paths are sorted by string unless a
 * method says otherwise. Questions about a path that is not valid answer empty, not an error.
 *
 * <p>Fold rules (every implementation follows them; {@code StoreViewContract} checks them):
 * <ul>
 *   <li>{@code PathRegistered} makes the path valid; re-registration replaces its info and its
 *       references (outgoing edges). Duplicate references collapse.</li>
 *   <li>{@code PathDeleted} makes the path invalid, drops its outgoing edges (and the matching
 *       referrer entries) and its declared derivation outputs (as Nix's {@code DerivationOutputs}
 *       rows cascade). Edges other valid paths hold towards it stay: they are facts of those paths.</li>
 *   <li>{@code ReferenceAdded} adds an edge from a valid path; on an invalid path it is ignored.</li>
 *   <li>{@code SignatureAdded} appends a signature to a valid path's info unless already present.</li>
 *   <li>{@code DerivationOutputsDeclared} sets name → output per name, keeping other names.</li>
 *   <li>{@code RootAdded} sets name → path; {@code RootRemoved} drops the name.</li>
 *   <li>{@code BuildSucceeded}/{@code BuildFailed} and {@code RebuildCompared} replace the last
 *       build or check result of their derivation.</li>
 *   <li>Every event, whatever its type, adds its sequence number to the history of each of its
 *       {@code subjects()}. Events with a sequence number ≤ {@link #lastAppliedSequence()} are
 *       ignored.</li>
 * </ul>
 */
public interface StoreView {

    /** Sequence number of the last event folded in; -1 when none was. */
    long lastAppliedSequence();

    boolean isValid(String path);

    /** Every valid path, sorted. */
    List<String> validPaths();

    Optional<RegisteredPath> info(String path);

    /** Outgoing edges of a valid path (its references), sorted; empty when not valid. */
    List<String> references(String path);

    /** Valid paths that reference {@code path}, sorted. */
    List<String> referrers(String path);

    /**
     * Closure of {@code paths} over references, the start paths included, in the order
     * {@code nix-store -q --requisites} prints it: every path after the paths it references
     * (Nix's {@code topoSortPaths}, reversed).
     */
    List<String> requisites(Collection<String> paths);

    /**
     * Closure of {@code paths} over referrers, the start paths included, in the order
     * {@code nix-store -q --referrers-closure} prints it (same topological order as requisites).
     */
    List<String> referrersClosure(Collection<String> paths);

    /** The deriver recorded at registration of a valid path. */
    Optional<String> deriver(String path);

    /** Declared outputs of a derivation: output name → output path, sorted by name. */
    SortedMap<String, String> derivationOutputs(String drvPath);

    /** Valid derivations that declare {@code outputPath} as one of their outputs, sorted. */
    List<String> validDerivers(String outputPath);

    /** GC roots: name → path, sorted by name. */
    SortedMap<String, String> roots();

    /** Sequence numbers of the events whose subjects include {@code path}, ascending. */
    List<Long> history(String path);

    /** The last {@code BuildSucceeded} or {@code BuildFailed} of a derivation. */
    Optional<BuildResult> lastBuild(String drvPath);

    /** The last {@code RebuildCompared} of a derivation. */
    Optional<CheckResult> lastCheck(String drvPath);

    /**
     * Every valid path with its references, NAR size, deriver and declared outputs as int arrays.
     * By default built from the per-path questions above; backends with a bulk read override it
     * and must answer the same graph ({@code StoreViewContract}).
     */
    default PackedGraph graph() { return PackedGraph.of(this); }
}
