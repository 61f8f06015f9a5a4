package org.storelog.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything the sandbox needs to run one build, already normalized by the caller, so the
 * backend stays dumb (as Snix's {@code BuildRequest}). Paths inside the sandbox are "logical"
 * store paths (e.g. {@code /nix/store/…-hello}); where their files live on the host may differ,
 * as with Nix's {@code --store local?root=DIR}.
 *
 * <p>Host layout under {@link #scratchDir()}: {@code store/} becomes the sandbox's writable store
 * directory (outputs created at their logical path land there), {@code etc/} holds the generated
 * {@code /etc} files. See {@link BwrapCommand}.
 *
 * @param storeDir    logical store directory, e.g. {@code /nix/store}
 * @param inputs      input closure: logical store path → host path of its files (read-only inside)
 * @param outputs     logical store paths of the outputs the builder is expected to create
 * @param scratchDir  host directory owned by this build; holds the writable store and generated /etc
 * @param buildDir    host directory mounted as the build directory ({@code /build})
 * @param builder     builder program (absolute path inside the sandbox) followed by its arguments
 * @param env         the derivation's environment ({@code env} of the {@code .drv}); passAsFile and
 *                    structured attributes must already be resolved by the caller
 * @param buildCores  value of {@code NIX_BUILD_CORES}
 * @param fixedOutput a fixed-output derivation: network allowed, host resolv.conf/services/hosts,
 *                    {@code NIX_OUTPUT_CHECKED=1} and {@code impureEnv} passed through
 * @param impureEnv   values of the derivation's {@code impureEnvVars} (only used if fixedOutput)
 * @param limits      timeout and max-silent-time
 * @param variation   deliberate change to Nix's environment; {@link Variation#NONE} for none
 */
public record SandboxRequest(String storeDir, SortedMap<String, Path> inputs, List<String> outputs,
                             Path scratchDir, Path buildDir, List<String> builder, Map<String, String> env,
                             int buildCores, boolean fixedOutput, Map<String, String> impureEnv,
                             Limits limits, Variation variation) {

    public SandboxRequest {
        requireAbsoluteDir(storeDir, "store directory");
        inputs = Collections.unmodifiableSortedMap(new TreeMap<>(inputs));
        outputs = List.copyOf(outputs);
        builder = List.copyOf(builder);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        impureEnv = Collections.unmodifiableMap(new LinkedHashMap<>(impureEnv == null ? Map.of() : impureEnv));
        if (limits == null) limits = Limits.NONE;
        if (variation == null) variation = Variation.NONE;

        for (var e : inputs.entrySet()) {
            requireStorePath(storeDir, e.getKey(), "input");
            if (e.getValue() == null || !e.getValue().isAbsolute())
                throw invalid("host path of input " + e.getKey() + " must be absolute: " + e.getValue());
        }
        if (outputs.isEmpty()) throw invalid("a build needs at least one output");
        for (String o : outputs) {
            requireStorePath(storeDir, o, "output");
            if (inputs.containsKey(o)) throw invalid("output " + o + " is also an input");
        }
        if (outputs.stream().distinct().count() != outputs.size()) throw invalid("duplicate output path in " + outputs);
        if (scratchDir == null || !scratchDir.isAbsolute()) throw invalid("scratch directory must be absolute: " + scratchDir);
        if (buildDir == null || !buildDir.isAbsolute()) throw invalid("build directory must be absolute: " + buildDir);
        if (builder.isEmpty() || !builder.get(0).startsWith("/"))
            throw invalid("builder must be an absolute path followed by its arguments: " + builder);
        for (String a : builder) if (a.indexOf('\0') >= 0) throw invalid("builder argument contains NUL");
        checkEnv(env, "derivation environment");
        checkEnv(impureEnv, "impure environment");
        if (buildCores < 0) throw invalid("build cores must not be negative: " + buildCores);
    }

    private static void checkEnv(Map<String, String> env, String what) {
        for (var e : env.entrySet()) {
            String k = e.getKey();
            if (k == null || k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\0') >= 0)
                throw invalid(what + ": invalid variable name '" + k + "'");
            if (e.getValue() == null || e.getValue().indexOf('\0') >= 0)
                throw invalid(what + ": value of " + k + " is missing or contains NUL");
        }
    }

    private static void requireAbsoluteDir(String dir, String what) {
        if (dir == null || !dir.startsWith("/") || dir.equals("/") || dir.endsWith("/") || dir.contains("//")
                || dir.contains("/./") || dir.contains("/../") || dir.endsWith("/.") || dir.endsWith("/..")
                || dir.indexOf('\0') >= 0)
            throw invalid(what + " must be a canonical absolute path other than /: " + dir);
    }

    private static void requireStorePath(String storeDir, String path, String what) {
        String prefix = storeDir + "/";
        if (path == null || !path.startsWith(prefix))
            throw invalid(what + " " + path + " is not in store directory " + storeDir);
        String name = path.substring(prefix.length());
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..") || name.indexOf('\0') >= 0)
            throw invalid(what + " " + path + " is not a direct child of " + storeDir);
    }

    private static SandboxException invalid(String msg) {
        return new SandboxException(SandboxException.Reason.INVALID_REQUEST, msg);
    }

    /** The base name of a logical store path ({@code hash-name}). */
    static String baseName(String storePath) {
        return storePath.substring(storePath.lastIndexOf('/') + 1);
    }

    /** Host directory that the sandbox sees as its (writable) store directory. */
    public Path hostStoreDir() { return scratchDir.resolve("store"); }

    /** Host directory holding the generated {@code /etc} files. */
    public Path hostEtcDir() { return scratchDir.resolve("etc"); }

    /** Where the files of a logical output path land on the host after the build. */
    public Path hostOutputPath(String output) {
        if (!outputs.contains(output)) throw invalid(output + " is not an output of this request");
        return hostStoreDir().resolve(baseName(output));
    }

    public SandboxRequest withVariation(Variation v) {
        return new SandboxRequest(storeDir, inputs, outputs, scratchDir, buildDir, builder, env, buildCores,
                fixedOutput, impureEnv, limits, v);
    }

    public SandboxRequest withLimits(Limits l) {
        return new SandboxRequest(storeDir, inputs, outputs, scratchDir, buildDir, builder, env, buildCores,
                fixedOutput, impureEnv, l, variation);
    }

    public SandboxRequest withDirs(Path scratch, Path build) {
        return new SandboxRequest(storeDir, inputs, outputs, scratch, build, builder, env, buildCores,
                fixedOutput, impureEnv, limits, variation);
    }

    public static Builder builder(String storeDir) { return new Builder(storeDir); }

    /** Step-by-step construction; validation happens in {@link #build()}. */
    public static final class Builder {
        private final String storeDir;
        private final SortedMap<String, Path> inputs = new TreeMap<>();
        private final List<String> outputs = new ArrayList<>();
        private final List<String> argv = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, String> impureEnv = new LinkedHashMap<>();
        private Path scratchDir;
        private Path buildDir;
        private int buildCores = 1;
        private boolean fixedOutput;
        private Limits limits = Limits.NONE;
        private Variation variation = Variation.NONE;

        private Builder(String storeDir) { this.storeDir = storeDir; }

        public Builder input(String logicalPath, Path hostPath) { inputs.put(logicalPath, hostPath); return this; }
        public Builder output(String logicalPath) { outputs.add(logicalPath); return this; }
        public Builder scratchDir(Path p) { scratchDir = p; return this; }
        public Builder buildDir(Path p) { buildDir = p; return this; }
        public Builder builder(String program, String... args) {
            argv.clear();
            argv.add(program);
            argv.addAll(List.of(args));
            return this;
        }
        public Builder env(String key, String value) { env.put(key, value); return this; }
        public Builder env(Map<String, String> all) { env.putAll(all); return this; }
        public Builder buildCores(int n) { buildCores = n; return this; }
        public Builder fixedOutput(boolean b) { fixedOutput = b; return this; }
        public Builder impureEnv(String key, String value) { impureEnv.put(key, value); return this; }
        public Builder limits(Limits l) { limits = l; return this; }
        public Builder variation(Variation v) { variation = v; return this; }

        public SandboxRequest build() {
            return new SandboxRequest(storeDir, inputs, outputs, scratchDir, buildDir, argv, env, buildCores,
                    fixedOutput, impureEnv, limits, variation);
        }
    }
}
