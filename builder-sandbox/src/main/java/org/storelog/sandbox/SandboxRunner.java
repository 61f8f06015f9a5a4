package org.storelog.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.storelog.sandbox.SandboxException.Reason;

/**
 * Runs a {@link SandboxRequest} under bubblewrap: prepares the scratch directories, starts
 * {@link BwrapCommand#commandLine}, streams the combined stdout/stderr of the builder to a log,
 * enforces the timeout and max-silent-time by killing the sandbox, and removes the mount stubs
 * afterwards. Because the sandbox has its own PID namespace, every process the builder started
 * dies with it (the namespace's init is bwrap's, which dies with its parent).
 *
 * <p>bubblewrap reports set-up failures on the same stream as the builder's output; a run that
 * exits with status 1 and whose output starts with {@code "bwrap: "} is taken for one and raised
 * as {@link Reason#SETUP_FAILED} (or {@link Reason#USER_NAMESPACES_UNAVAILABLE}).
 *
 * <p>Thread-safe: each {@link #run} call uses its own process and threads.
 */
public final class SandboxRunner {
    private static final byte[] BWRAP_ERROR_PREFIX = "bwrap: ".getBytes(StandardCharsets.US_ASCII);

    private final BwrapCommand.Tools tools;
    private final Optional<BwrapCommand.HostUser> buildUser;
    /** Where generated {@code /etc} directories are shared between builds (null: one per build). */
    private final Path etcCache;
    /** bwrap's path once {@link #checkAvailable} has passed (it is not looked up again for each build). */
    private volatile String checkedBwrap;
    /** Shared {@code /etc} directories this runner made or checked, by content key. */
    private final java.util.concurrent.ConcurrentHashMap<String, Path> etcDirs = new java.util.concurrent.ConcurrentHashMap<>();

    /** Uses {@code /bin/sh}, and {@code bwrap} and {@code taskset} found on PATH; bwrap runs as the caller. */
    public SandboxRunner() {
        this(BwrapCommand.Tools.DEFAULT, Optional.empty());
    }

    public SandboxRunner(BwrapCommand.Tools tools) {
        this(tools, Optional.empty());
    }

    /**
     * @param buildUser run bubblewrap as this unprivileged host account (needs root; {@code setpriv}
     *                  from util-linux). The scratch and build directories must be reachable by it;
     *                  the runner hands the writable store ({@code root:GID 1775}, as Nix's chroot
     *                  store) and the build directory ({@code UID:GID 0700}) over to it.
     */
    public SandboxRunner(BwrapCommand.Tools tools, Optional<BwrapCommand.HostUser> buildUser) {
        this(tools, buildUser, null);
    }

    private SandboxRunner(BwrapCommand.Tools tools, Optional<BwrapCommand.HostUser> buildUser, Path etcCache) {
        this.tools = tools;
        this.buildUser = buildUser;
        this.etcCache = etcCache;
    }

    /**
     * This runner, with the generated {@code /etc} of builds kept in {@code dir}, one directory per
     * distinct content, and bound read-only into every sandbox that needs that content, instead of
     * being written to each build's scratch directory and deleted after it. The sandbox sees the same
     * files either way. Fixed-output builds (which copy the host's network files) keep their own.
     * A directory found there from an earlier run is checked file by file before it is used.
     */
    public SandboxRunner withEtcCache(Path dir) {
        return new SandboxRunner(tools, buildUser, dir.toAbsolutePath());
    }

    /**
     * Checks that bubblewrap is installed and that the kernel lets us create user namespaces.
     *
     * @throws SandboxException {@link Reason#BWRAP_MISSING} or {@link Reason#USER_NAMESPACES_UNAVAILABLE},
     *                          with what to install or enable
     */
    public String checkAvailable() {
        String bwrap = resolve(tools.bwrap());
        if (bwrap == null)
            throw new SandboxException(Reason.BWRAP_MISSING, "bubblewrap ('" + tools.bwrap()
                    + "') is not installed or not on PATH; install it with: apt-get install bubblewrap");
        String max = readSysctl("/proc/sys/user/max_user_namespaces");
        if ("0".equals(max))
            throw new SandboxException(Reason.USER_NAMESPACES_UNAVAILABLE, "user namespaces are disabled "
                    + "(/proc/sys/user/max_user_namespaces is 0); enable them with: sysctl user.max_user_namespaces=15000");
        if (!isRoot() && "0".equals(readSysctl("/proc/sys/kernel/unprivileged_userns_clone")))
            throw new SandboxException(Reason.USER_NAMESPACES_UNAVAILABLE, "unprivileged user namespaces are disabled; "
                    + "enable them with: sysctl kernel.unprivileged_userns_clone=1");
        if (!Files.exists(Path.of("/proc/self/ns/user")))
            throw new SandboxException(Reason.USER_NAMESPACES_UNAVAILABLE,
                    "this kernel has no user namespaces (/proc/self/ns/user is missing; CONFIG_USER_NS=y is required)");
        return bwrap;
    }

    /**
     * Runs the build and waits for it. The log receives everything the builder writes to stdout
     * and stderr, interleaved as written. Outputs are left in {@link SandboxRequest#hostStoreDir()}.
     *
     * @throws SandboxException if the sandbox cannot be prepared or bubblewrap fails to set it up
     * @throws java.io.UncheckedIOException if copying the build log to {@code log} failed (the pipe is
     *         still drained, so the builder is not blocked by it)
     */
    public SandboxResult run(SandboxRequest r, OutputStream log) {
        long t0 = PhaseClock.start();
        String bwrap = checkedBwrap;
        if (bwrap == null) checkedBwrap = bwrap = checkAvailable();
        String taskset = null;
        String setpriv = null;
        if (buildUser.isPresent()) {
            if (!isRoot())
                throw new SandboxException(Reason.INVALID_REQUEST, "running builds as a separate build user needs root");
            setpriv = resolve(tools.setpriv());
            if (setpriv == null)
                throw new SandboxException(Reason.BWRAP_MISSING, "setpriv is needed to switch to the build user; "
                        + "install it with: apt-get install util-linux");
        }
        if (r.variation().cpuCount().isPresent()) {
            taskset = resolve(tools.taskset());
            if (taskset == null)
                throw new SandboxException(Reason.BWRAP_MISSING, "taskset is needed to vary the CPU count; "
                        + "install it with: apt-get install util-linux");
        }
        Path etc = sharedEtc(r);
        prepare(r, buildUser, etc == null);
        t0 = PhaseClock.end("sandbox: prepare", t0);
        long start = System.nanoTime();
        try {
            List<String> cmd = BwrapCommand.commandLine(r, new BwrapCommand.Tools(tools.sh(), setpriv, taskset, bwrap),
                    buildUser, etc == null ? r.hostEtcDir() : etc);
            return supervise(r, cmd, log, start);
        } finally {
            t0 = PhaseClock.start();
            cleanUp(r);
            PhaseClock.end("sandbox: clean up", t0);
        }
    }

    private SandboxResult supervise(SandboxRequest r, List<String> cmd, OutputStream log, long start) {
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> hostEnv = pb.environment();
        String path = hostEnv.getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        hostEnv.clear();
        hostEnv.put("PATH", path);
        Process p;
        long t0 = PhaseClock.start();
        try {
            p = pb.start();
            t0 = PhaseClock.end("sandbox: start bwrap", t0);
        } catch (IOException e) {
            throw new SandboxException(Reason.SETUP_FAILED, "cannot start " + cmd.get(0) + ": " + e.getMessage(), e);
        }
        LogPump pump = new LogPump(p.getInputStream(), log);
        Thread pumpThread = Thread.ofPlatform().daemon().name("sandbox-log-" + p.pid()).start(pump);

        Limits limits = r.limits();
        long deadline = limits.hasTimeout() ? start + limits.timeout().toNanos() : Long.MAX_VALUE;
        long silence = limits.hasMaxSilentTime() ? limits.maxSilentTime().toNanos() : Long.MAX_VALUE;
        boolean timedOut = false;
        boolean silent = false;
        try {
            while (true) {
                long now = System.nanoTime();
                if (now - deadline >= 0) { timedOut = true; break; }
                if (silence != Long.MAX_VALUE && now - pump.lastActivity.get() >= silence) { silent = true; break; }
                long wait = Math.min(remaining(deadline, now), silence == Long.MAX_VALUE ? Long.MAX_VALUE
                        : pump.lastActivity.get() + silence - now);
                if (p.waitFor(Math.max(1, Math.min(wait, TimeUnit.SECONDS.toNanos(1))), TimeUnit.NANOSECONDS)) break;
            }
            if (timedOut || silent) kill(p);
            int exit = p.waitFor();
            long end = System.nanoTime();
            t0 = PhaseClock.end("sandbox: bwrap runs", t0);
            pumpThread.join(TimeUnit.SECONDS.toMillis(10));
            if (pumpThread.isAlive()) {
                // Something outside the PID namespace kept the pipe open; do not hang on it.
                closeQuietly(p.getInputStream());
                pumpThread.join();
            }
            pump.rethrow();
            Duration took = Duration.ofNanos(end - start);
            if (!timedOut && !silent && exit == 1 && pump.startsWith(BWRAP_ERROR_PREFIX)) {
                String line = pump.firstLine();
                if (line.contains("namespace") || line.contains("uid map") || line.contains("setgroups"))
                    throw new SandboxException(Reason.USER_NAMESPACES_UNAVAILABLE, "bubblewrap cannot create the "
                            + "sandbox's namespaces (" + line + "); unprivileged user namespaces may be disabled: "
                            + "sysctl kernel.unprivileged_userns_clone=1 (Debian) or "
                            + "sysctl kernel.apparmor_restrict_unprivileged_userns=0 (Ubuntu)");
                throw new SandboxException(Reason.SETUP_FAILED, "bubblewrap could not set up the sandbox: " + line);
            }
            OptionalInt signal = timedOut || silent ? OptionalInt.of(SandboxResult.SIGKILL)
                    : exit > 128 && exit < 128 + 65 ? OptionalInt.of(exit - 128) : OptionalInt.empty();
            return new SandboxResult(exit, signal, timedOut, silent, took);
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new SandboxException(Reason.SETUP_FAILED, "interrupted while waiting for the builder", e);
        }
    }

    private static long remaining(long deadline, long now) {
        return deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - now;
    }

    /** Kills the sandbox: every descendant (the namespace's processes included), then bwrap itself. */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /** Creates the writable store directory and the generated /etc; refuses outputs that already exist. */
    static void prepare(SandboxRequest r, Optional<BwrapCommand.HostUser> buildUser) {
        prepare(r, buildUser, true);
    }

    /** As {@link #prepare(SandboxRequest, Optional)}; {@code writeEtc} false when the build uses a shared /etc. */
    private static void prepare(SandboxRequest r, Optional<BwrapCommand.HostUser> buildUser, boolean writeEtc) {
        try {
            Path store = r.hostStoreDir();
            Files.createDirectories(store);
            if (buildUser.isPresent()) {
                Files.setAttribute(store, "unix:uid", 0);
                Files.setAttribute(store, "unix:gid", buildUser.get().gid());
            }
            Files.setAttribute(store, "unix:mode", 01775);
            for (String o : r.outputs()) {
                Path host = r.hostOutputPath(o);
                if (Files.exists(host, LinkOption.NOFOLLOW_LINKS))
                    throw new SandboxException(Reason.INVALID_REQUEST, "output " + o + " already exists in the scratch store at "
                            + host + "; use a fresh scratch directory");
            }
            for (var in : r.inputs().entrySet())
                if (!Files.exists(in.getValue(), LinkOption.NOFOLLOW_LINKS))
                    throw new SandboxException(Reason.INVALID_REQUEST, "files of input " + in.getKey()
                            + " are missing at " + in.getValue());
            if (writeEtc) writeEtc(r, r.hostEtcDir());
            if (!r.variation().buildDirOnTmpfs()) {
                try {
                    Files.createDirectory(r.buildDir());
                    Files.setAttribute(r.buildDir(), "unix:mode", 0700);
                } catch (FileAlreadyExistsException e) {
                    if (!Files.isDirectory(r.buildDir()))
                        throw new SandboxException(Reason.INVALID_REQUEST, "build directory " + r.buildDir() + " is not a directory");
                }
                if (buildUser.isPresent()) {
                    Files.setAttribute(r.buildDir(), "unix:uid", buildUser.get().uid());
                    Files.setAttribute(r.buildDir(), "unix:gid", buildUser.get().gid());
                }
            }
        } catch (IOException e) {
            throw new SandboxException(Reason.IO, "cannot prepare sandbox directories under " + r.scratchDir() + ": " + e, e);
        }
    }

    /** Writes the generated /etc files of {@code r} into {@code etc} (replaced if it exists). */
    private static void writeEtc(SandboxRequest r, Path etc) throws IOException {
        if (Files.exists(etc, LinkOption.NOFOLLOW_LINKS)) OutputCanonicalizer.delete(etc);
        Files.createDirectories(etc);
        for (var f : SandboxEnvironment.etcFiles(r).entrySet())
            Files.setAttribute(Files.writeString(etc.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8),
                    "unix:mode", 0644);
        if (r.fixedOutput())
            for (String name : new String[] {"resolv.conf", "services", "hosts"}) {
                Path host = Path.of("/etc", name);
                if (Files.isReadable(host))
                    Files.setAttribute(Files.copy(host, etc.resolve(name)), "unix:mode", 0644);
            }
        Files.setAttribute(etc, "unix:mode", 0755); // Nix 2.8 leaves its /etc 0755 (later versions: 0555)
    }

    /**
     * The shared /etc directory for {@code r} ({@link #withEtcCache}), made or checked on first use by
     * this runner; null when builds write their own.
     */
    private Path sharedEtc(SandboxRequest r) {
        if (etcCache == null || r.fixedOutput()) return null;
        Map<String, String> files = SandboxEnvironment.etcFiles(r);
        StringBuilder all = new StringBuilder();
        files.forEach((k, v) -> all.append(k).append('\0').append(v).append('\0'));
        String key;
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(all.toString().getBytes(StandardCharsets.UTF_8));
            key = "etc-" + java.util.HexFormat.of().formatHex(h, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return etcDirs.computeIfAbsent(key, k -> {
            Path dir = etcCache.resolve(k);
            try {
                if (etcMatches(dir, files)) return dir;
                Files.createDirectories(etcCache);
                Path tmp = etcCache.resolve(k + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
                writeEtc(r, tmp);
                if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) OutputCanonicalizer.delete(dir);
                Files.move(tmp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                return dir;
            } catch (IOException e) {
                throw new SandboxException(Reason.IO, "cannot prepare the shared /etc under " + etcCache + ": " + e, e);
            }
        });
    }

    /** True if {@code dir} holds exactly {@code files}, each 0644, and is itself 0755. */
    private static boolean etcMatches(Path dir, Map<String, String> files) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return false;
        if (!Integer.valueOf(0755).equals(mode(dir))) return false;
        try (var s = Files.list(dir)) {
            if (s.count() != files.size()) return false;
        }
        for (var f : files.entrySet()) {
            Path p = dir.resolve(f.getKey());
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || !Integer.valueOf(0644).equals(mode(p))
                    || !Files.readString(p, StandardCharsets.UTF_8).equals(f.getValue()))
                return false;
        }
        return true;
    }

    private static Integer mode(Path p) throws IOException {
        return ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 07777;
    }

    /** Removes the empty stubs bwrap created under the scratch store for input mounts, and the generated /etc. */
    static void cleanUp(SandboxRequest r) {
        try {
            for (String input : r.inputs().keySet()) {
                Path stub = r.hostStoreDir().resolve(SandboxRequest.baseName(input));
                if (Files.isSymbolicLink(stub)) {
                    if (Files.isSymbolicLink(r.inputs().get(input))) Files.delete(stub);
                } else if (Files.isDirectory(stub, LinkOption.NOFOLLOW_LINKS)) {
                    try (var s = Files.list(stub)) {
                        if (s.findAny().isEmpty()) Files.delete(stub);
                    }
                } else if (Files.isRegularFile(stub, LinkOption.NOFOLLOW_LINKS) && Files.size(stub) == 0) {
                    Files.delete(stub);
                }
            }
            if (Files.exists(r.hostEtcDir(), LinkOption.NOFOLLOW_LINKS)) OutputCanonicalizer.delete(r.hostEtcDir());
        } catch (IOException e) {
            throw new SandboxException(Reason.IO, "cannot clean up sandbox stubs under " + r.scratchDir() + ": " + e, e);
        }
    }

    private static String resolve(String tool) {
        if (tool == null) return null;
        if (tool.contains("/")) return Files.isExecutable(Path.of(tool)) ? tool : null;
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    private static String readSysctl(String file) {
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // already closed or broken: nothing left to read either way
        }
    }

    /** Copies the builder's output to the log and remembers when it last wrote something. */
    private static final class LogPump implements Runnable {
        final AtomicLong lastActivity = new AtomicLong(System.nanoTime());
        private final InputStream in;
        private final OutputStream out;
        private final byte[] head = new byte[256];
        private int headLength;
        private volatile IOException failure;

        LogPump(InputStream in, OutputStream out) {
            this.in = in;
            this.out = out;
        }

        @Override public void run() {
            byte[] buf = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    lastActivity.set(System.nanoTime());
                    if (headLength < head.length) {
                        int k = Math.min(n, head.length - headLength);
                        System.arraycopy(buf, 0, head, headLength, k);
                        headLength += k;
                    }
                    if (failure == null) {
                        try {
                            out.write(buf, 0, n);
                            out.flush();
                        } catch (IOException e) {
                            failure = e; // keep draining the pipe so the builder never blocks on it
                        }
                    }
                }
            } catch (IOException e) {
                if (failure == null && !"Stream closed".equals(e.getMessage())) failure = e;
            }
        }

        boolean startsWith(byte[] prefix) {
            return headLength >= prefix.length && Arrays.equals(head, 0, prefix.length, prefix, 0, prefix.length);
        }

        String firstLine() {
            String s = new String(head, 0, headLength, StandardCharsets.UTF_8);
            int nl = s.indexOf('\n');
            return nl < 0 ? s : s.substring(0, nl);
        }

        void rethrow() {
            if (failure != null) throw new UncheckedIOException("copying the build log failed", failure);
        }
    }
}
