package org.storelog.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a builder sees besides its files: the environment variables and the generated
 * {@code /etc} files. Mirrors Nix 2.8's {@code LocalDerivationGoal::initEnv}, {@code initTmpDir}
 * and the chroot set-up in {@code src/libstore/build/local-derivation-goal.cc}.
 *
 * <p>Precedence is Nix's: {@code PATH}, {@code HOME}, {@code NIX_STORE}, {@code NIX_BUILD_CORES}
 * can be overridden by the derivation; the derivation's variables can in turn be overridden by
 * {@code NIX_BUILD_TOP}, {@code TMPDIR}, {@code TEMPDIR}, {@code TMP}, {@code TEMP}, {@code PWD},
 * (fixed-output only) {@code NIX_OUTPUT_CHECKED} and the impure variables, then {@code NIX_LOG_FD}
 * and {@code TERM}. Nix keeps them in a {@code std::map}, so the builder receives them sorted
 * bytewise by name; so does ours.
 *
 * <p>Under a {@link Variation} the build-directory variables follow {@link Variation#buildDir()} and
 * {@code NIX_BUILD_CORES} follows {@link Variation#cpuCount()} when it is set (Nix's {@code cores}
 * setting defaults to the machine's CPU count).
 */
public final class SandboxEnvironment {
    private SandboxEnvironment() {}

    /** Nix's {@code homeDir}: a path that must not exist. */
    public static final String HOME = "/homeless-shelter";
    /** Nix's dummy PATH, so shells do not fall back to their built-in default. */
    public static final String PATH = "/path-not-set";

    /** Orders names as C++ {@code std::string} does: unsigned bytes of the UTF-8 encoding. */
    public static final Comparator<String> BYTEWISE = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    /** The complete environment of the builder, in the order it is passed to it. */
    public static SortedMap<String, String> of(SandboxRequest r) {
        SortedMap<String, String> env = new TreeMap<>(BYTEWISE);
        env.put("PATH", PATH);
        env.put("HOME", HOME);
        env.put("NIX_STORE", r.storeDir());
        // Nix's default for `cores` is the machine's CPU count, so a machine with fewer CPUs also
        // tells the builder to use fewer cores: the CPU-count variation changes both.
        env.put("NIX_BUILD_CORES", Integer.toString(r.variation().cpuCount().orElse(r.buildCores())));
        env.putAll(r.env());
        String top = r.variation().buildDir();
        env.put("NIX_BUILD_TOP", top);
        for (String k : new String[] {"TMPDIR", "TEMPDIR", "TMP", "TEMP", "PWD"}) env.put(k, top);
        if (r.fixedOutput()) {
            env.put("NIX_OUTPUT_CHECKED", "1");
            env.putAll(r.impureEnv());
        }
        env.put("NIX_LOG_FD", "2");
        env.put("TERM", "xterm-256color");
        return env;
    }

    /** {@code /etc/passwd} as Nix writes it once the sandbox uid is known. */
    public static String passwd(Variation v) {
        return "root:x:0:0:Nix build user:" + v.buildDir() + ":/noshell\n"
                + "nixbld:x:" + v.uid() + ":" + v.gid() + ":Nix build user:" + v.buildDir() + ":/noshell\n"
                + "nobody:x:65534:65534:Nobody:/:/noshell\n";
    }

    /** {@code /etc/group}, declaring the build user's group. */
    public static String group(Variation v) {
        return "root:x:0:\n"
                + "nixbld:!:" + v.gid() + ":\n"
                + "nogroup:x:65534:\n";
    }

    /** {@code /etc/hosts} for sandboxed (non-fixed-output) builds. */
    public static String hosts() {
        return "127.0.0.1 localhost\n::1 localhost\n";
    }

    /** {@code /etc/nsswitch.conf} for fixed-output builds (only files and DNS for hosts). */
    public static String nsswitch() {
        return "hosts: files dns\nservices: files\n";
    }

    /** Generated {@code /etc} files: name → content. Fixed-output builds get the host's network files besides. */
    public static Map<String, String> etcFiles(SandboxRequest r) {
        SortedMap<String, String> files = new TreeMap<>();
        files.put("group", group(r.variation()));
        files.put("passwd", passwd(r.variation()));
        if (r.fixedOutput()) files.put("nsswitch.conf", nsswitch());
        else files.put("hosts", hosts());
        return files;
    }
}
