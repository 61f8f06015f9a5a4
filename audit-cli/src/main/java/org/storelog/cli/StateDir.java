package org.storelog.cli;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where storelog keeps its state: {@code --state DIR}, else {@code $AUDIT_STATE}, else
 * {@code ~/.local/state/storelog}.
 */
public record StateDir(Path root) {
    public static final String ENV = "AUDIT_STATE";

    public static StateDir resolve(Path option) {
        return resolve(option, System.getenv(), Path.of(System.getProperty("user.home")));
    }

    public static StateDir resolve(Path option, Map<String, String> env, Path home) {
        if (option != null) return new StateDir(option.toAbsolutePath());
        String e = env.get(ENV);
        if (e != null && !e.isBlank()) return new StateDir(Path.of(e).toAbsolutePath());
        return new StateDir(home.resolve(".local/state/storelog"));
    }

    /** The event log's segment files. */
    public Path log() { return root.resolve("log"); }

    /** Signed checkpoints of the log's chain head. */
    public Path checkpoints() { return log().resolve("checkpoints"); }

    /** LMDB projections (deletable, rebuilt from the log). */
    public Path projections() { return root.resolve("projections"); }

    public Path buildLogs() { return root.resolve("build-logs"); }
}
