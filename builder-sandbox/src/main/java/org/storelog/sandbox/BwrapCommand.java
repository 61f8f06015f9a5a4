package org.storelog.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a {@link SandboxRequest} into a bubblewrap command line: a pure function of the request
 * (and of which input host paths are symlinks), golden-tested.
 * The environment reproduces the chroot that Nix 2.8 builds in {@code runChild()} of
 * {@code src/libstore/build/local-derivation-goal.cc}:
 *
 * <pre>
 *   /                  mode 0750, read-only (bwrap's root tmpfs, remounted read-only at the end)
 *   STORE_DIR/         writable: host SCRATCH/store; outputs created here land on the host
 *   STORE_DIR/INPUT    read-only bind of each input's host path, on top of the above
 *   /etc               read-only: host SCRATCH/etc (passwd, group, hosts as Nix writes them)
 *   /dev               minimal (bwrap --dev), plus /dev/kvm if the host has it, /dev/shm tmpfs 1777
 *   /proc              fresh procfs of the build's PID namespace
 *   /tmp               empty, mode 1777
 *   /build             host build directory (or a tmpfs, or another path, per {@link Variation})
 * </pre>
 *
 * All namespaces are unshared (network kept for fixed-output derivations only); the builder
 * runs as uid 1000 / gid 100 with hostname {@code localhost}, in a new session, and dies with
 * its parent. bwrap mounts input stubs (empty directories or files) under SCRATCH/store; the
 * runner removes them afterwards.
 *
 * <p>Known differences from Nix 2.8 that bubblewrap 0.8 cannot express: {@code /dev/core}
 * exists and {@code /dev/ptmx} links to {@code pts/ptmx}; {@code argv[0]} of the builder is its
 * full path (Nix passes the base name; bwrap 0.8 has no {@code --argv0}); the directories bwrap
 * creates itself ({@code /}, {@code /nix}, {@code /tmp}, {@code /dev}) belong to the builder
 * instead of {@code nobody}. Without a {@link HostUser}, files of the user running bwrap (root's
 * store, typically) also appear owned by the builder instead of {@code nobody}.
 */
public final class BwrapCommand {
    private BwrapCommand() {}

    /** Host programs used to launch the sandbox. */
    public record Tools(String sh, String setpriv, String taskset, String bwrap) {
        public static final Tools DEFAULT = new Tools("/bin/sh", "setpriv", "taskset", "bwrap");
    }

    /**
     * An unprivileged host account to run bubblewrap as (Nix's build user, e.g. {@code nixbld1}).
     * The builder's uid/gid inside the sandbox map to it, so files of other host users (root's
     * store included) appear owned by {@code nobody} (65534), as in Nix's sandbox, and the
     * builder has no host privileges even outside the namespace.
     */
    public record HostUser(int uid, int gid) {
        public HostUser {
            if (uid <= 0 || gid <= 0) throw new SandboxException(SandboxException.Reason.INVALID_REQUEST,
                    "the build user must be an unprivileged account: " + uid + ":" + gid);
        }
    }

    /** {@link #commandLine(SandboxRequest, Tools, Optional)} without a separate build user. */
    public static List<String> commandLine(SandboxRequest r, Tools tools) {
        return commandLine(r, tools, Optional.empty());
    }

    /**
     * The whole command line: a tiny shell wrapper that sets the umask (bubblewrap keeps its
     * caller's) and, as Nix does, a soft core-dump limit of 0; then {@code setpriv} to switch to
     * the build user if there is one; then {@code taskset} when the variation limits the CPU
     * count; then {@link #argv bwrap}.
     */
    public static List<String> commandLine(SandboxRequest r, Tools tools, Optional<HostUser> buildUser) {
        return commandLine(r, tools, buildUser, r.hostEtcDir());
    }

    /** As {@link #commandLine(SandboxRequest, Tools, Optional)}, with the generated {@code /etc} taken from {@code etcDir}. */
    public static List<String> commandLine(SandboxRequest r, Tools tools, Optional<HostUser> buildUser, Path etcDir) {
        List<String> cmd = new ArrayList<>(List.of(tools.sh(), "-c",
                "umask " + String.format("%04o", r.variation().umask()) + "; ulimit -S -c 0; exec \"$@\"", "sh"));
        buildUser.ifPresent(u -> cmd.addAll(List.of(tools.setpriv(), "--reuid", Integer.toString(u.uid()),
                "--regid", Integer.toString(u.gid()), "--clear-groups")));
        r.variation().cpuCount().ifPresent(n -> cmd.addAll(List.of(tools.taskset(), "-c", n == 1 ? "0" : "0-" + (n - 1))));
        cmd.addAll(argv(r, tools.bwrap(), etcDir));
        return cmd;
    }

    /** The bubblewrap invocation alone, starting with {@code bwrap}. */
    public static List<String> argv(SandboxRequest r, String bwrap) {
        return argv(r, bwrap, r.hostEtcDir());
    }

    /** As {@link #argv(SandboxRequest, String)}, with the generated {@code /etc} bound from {@code etcDir}. */
    public static List<String> argv(SandboxRequest r, String bwrap, Path etcDir) {
        Variation v = r.variation();
        List<String> a = new ArrayList<>();
        a.add(bwrap);
        a.add("--unshare-all");
        if (r.fixedOutput()) a.add("--share-net");
        add(a, "--uid", Integer.toString(v.uid()));
        add(a, "--gid", Integer.toString(v.gid()));
        add(a, "--hostname", v.hostname());
        a.add("--die-with-parent");
        a.add("--new-session");
        a.add("--clearenv");
        for (Map.Entry<String, String> e : SandboxEnvironment.of(r).entrySet())
            add(a, "--setenv", e.getKey(), e.getValue());

        // The store directory's ancestors, 0755 as Nix's createDirs makes them (bwrap would use 0700).
        String store = r.storeDir();
        for (int i = store.indexOf('/', 1); i > 0; i = store.indexOf('/', i + 1))
            add(a, "--perms", "0755", "--dir", store.substring(0, i));
        add(a, "--bind", r.hostStoreDir().toString(), store);
        for (Map.Entry<String, Path> in : r.inputs().entrySet()) {
            // A store path that is itself a symlink stays a symlink (Nix hard-links non-directories
            // into its chroot); binding it would expose its target's contents under its name instead.
            String link = symlinkTarget(in.getValue());
            if (link != null) add(a, "--symlink", link, in.getKey());
            else add(a, "--ro-bind", in.getValue().toString(), in.getKey());
        }

        add(a, "--ro-bind", etcDir.toString(), "/etc");
        add(a, "--dev", "/dev");
        add(a, "--dev-bind-try", "/dev/kvm", "/dev/kvm");
        add(a, "--perms", "1777", "--tmpfs", "/dev/shm");
        add(a, "--proc", "/proc");
        add(a, "--perms", "1777", "--tmpfs", "/tmp");
        if (v.buildDirOnTmpfs()) add(a, "--perms", "0700", "--tmpfs", v.buildDir());
        else add(a, "--bind", r.buildDir().toString(), v.buildDir());
        add(a, "--chdir", v.buildDir());
        add(a, "--chmod", "0750", "/");
        add(a, "--remount-ro", "/");
        a.add("--");
        a.addAll(r.builder());
        return a;
    }

    /** The target of {@code host} if it is a symbolic link, else null. */
    static String symlinkTarget(Path host) {
        if (!Files.isSymbolicLink(host)) return null;
        try {
            return Files.readSymbolicLink(host).toString();
        } catch (IOException e) {
            throw new SandboxException(SandboxException.Reason.IO, "cannot read symlink " + host + ": " + e.getMessage(), e);
        }
    }

    private static void add(List<String> a, String... items) {
        a.addAll(List.of(items));
    }
}
