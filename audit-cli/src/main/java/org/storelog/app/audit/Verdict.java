package org.storelog.app.audit;

/**
 * Outcome of one rebuild check, as {@code guix challenge} and {@code nix-build --check} report it:
 * the rebuilt outputs equal what was recorded (or each other), they differ, or nothing could be
 * concluded (with the reason).
 */
public sealed interface Verdict {
    /** The word used in reports, JSON and the {@code RebuildCompared} event. */
    String word();

    /** Every output's rebuilt NAR hash equals the recorded one (or every round's, if none is recorded). */
    record Reproducible() implements Verdict {
        public String word() { return "reproducible"; }
    }

    /** At least one output's rebuilt NAR hash differs; {@code reason} says which. */
    record Diverged(String reason) implements Verdict {
        public String word() { return "diverged"; }
    }

    /** Nothing to compare or nothing built: unknown path, no deriver, missing inputs, build failure, not built yet. */
    record Inconclusive(String reason) implements Verdict {
        public String word() { return "inconclusive"; }
    }

    /** The explanation, null for a reproducible result. */
    default String reason() {
        return switch (this) {
            case Reproducible r -> null;
            case Diverged d -> d.reason();
            case Inconclusive i -> i.reason();
        };
    }
}
