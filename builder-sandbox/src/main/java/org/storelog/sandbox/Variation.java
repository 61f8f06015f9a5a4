package org.storelog.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * One deliberate change to Nix's sandbox environment, used by audits to find out which
 * difference makes a build unreproducible. {@link #NONE} is exactly what Nix 2.8 gives a
 * builder (see {@code src/libstore/build/local-derivation-goal.cc}: {@code sandbox-build-dir}
 * {@code /build}, hostname {@code localhost}, uid 1000, gid 100, umask 0022, build directory on
 * disk, no CPU affinity change).
 *
 * @param buildDir       path of the build directory inside the sandbox (Nix: {@code /build})
 * @param hostname       host name inside the sandbox
 * @param uid            user id of the builder inside the sandbox
 * @param gid            group id of the builder inside the sandbox
 * @param cpuCount       if present, restrict the builder to CPUs {@code 0..cpuCount-1}
 * @param umask          umask the builder starts with (Nix sets 0022)
 * @param buildDirOnTmpfs mount a fresh tmpfs at the build directory instead of the host directory
 */
public record Variation(String buildDir, String hostname, int uid, int gid, OptionalInt cpuCount,
                        int umask, boolean buildDirOnTmpfs) {
    public static final String NIX_BUILD_DIR = "/build";
    public static final String NIX_HOSTNAME = "localhost";
    public static final int NIX_UID = 1000;
    public static final int NIX_GID = 100;
    public static final int NIX_UMASK = 0022;

    /** Nix's own sandbox, unchanged. */
    public static final Variation NONE =
            new Variation(NIX_BUILD_DIR, NIX_HOSTNAME, NIX_UID, NIX_GID, OptionalInt.empty(), NIX_UMASK, false);

    public Variation {
        if (buildDir == null || !buildDir.startsWith("/") || buildDir.equals("/") || buildDir.endsWith("/")
                || buildDir.contains("//") || buildDir.contains("\0"))
            throw invalid("build directory must be an absolute path other than /: " + buildDir);
        if (hostname == null || hostname.isEmpty() || hostname.length() > 64 || hostname.contains("\0"))
            throw invalid("hostname must have 1 to 64 characters: " + hostname);
        if (uid < 0 || gid < 0) throw invalid("uid and gid must not be negative: " + uid + "/" + gid);
        if (uid == 0 || gid == 0) throw invalid("the builder must not run as root (uid/gid 0)");
        if (cpuCount == null) cpuCount = OptionalInt.empty();
        if (cpuCount.isPresent() && cpuCount.getAsInt() < 1) throw invalid("cpu count must be at least 1: " + cpuCount);
        if (umask < 0 || umask > 0777) throw invalid("umask must be within 0..0777: " + Integer.toOctalString(umask));
    }

    private static SandboxException invalid(String msg) {
        return new SandboxException(SandboxException.Reason.INVALID_REQUEST, msg);
    }

    public Variation withBuildDir(String v) { return new Variation(v, hostname, uid, gid, cpuCount, umask, buildDirOnTmpfs); }
    public Variation withHostname(String v) { return new Variation(buildDir, v, uid, gid, cpuCount, umask, buildDirOnTmpfs); }
    public Variation withIds(int u, int g) { return new Variation(buildDir, hostname, u, g, cpuCount, umask, buildDirOnTmpfs); }
    public Variation withCpuCount(int n) { return new Variation(buildDir, hostname, uid, gid, OptionalInt.of(n), umask, buildDirOnTmpfs); }
    public Variation withUmask(int v) { return new Variation(buildDir, hostname, uid, gid, cpuCount, v, buildDirOnTmpfs); }
    public Variation withBuildDirOnTmpfs(boolean v) { return new Variation(buildDir, hostname, uid, gid, cpuCount, umask, v); }

    public boolean isNone() { return equals(NONE); }

    /**
     * A stable, human-readable description for audit records: {@code none}, or the changed
     * settings joined by commas, e.g. {@code hostname=builder2,umask=0002}.
     */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (!buildDir.equals(NIX_BUILD_DIR)) parts.add("build-dir=" + buildDir);
        if (!hostname.equals(NIX_HOSTNAME)) parts.add("hostname=" + hostname);
        if (uid != NIX_UID || gid != NIX_GID) parts.add("ids=" + uid + ":" + gid);
        cpuCount.ifPresent(n -> parts.add("cpus=" + n));
        if (umask != NIX_UMASK) parts.add("umask=" + String.format("%04o", umask));
        if (buildDirOnTmpfs) parts.add("build-dir-on-tmpfs");
        return parts.isEmpty() ? "none" : String.join(",", parts);
    }
}
