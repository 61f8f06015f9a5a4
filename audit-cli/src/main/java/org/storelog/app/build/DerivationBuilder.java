package org.storelog.app.build;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.storelog.app.StoreConfig;
import org.storelog.domain.drv.Derivation;
import org.storelog.domain.drv.DerivationOutput;
import org.storelog.domain.drv.DrvFiles;
import org.storelog.domain.hash.Hash;
import org.storelog.domain.hash.NixBase32;
import org.storelog.domain.store.FileIngestionMethod;
import org.storelog.domain.store.StoreDir;
import org.storelog.domain.store.StorePath;
import org.storelog.nar.NarDigest;
import org.storelog.nar.NarHasher;
import org.storelog.projection.StoreView;
import org.storelog.sandbox.CanonicalizationException;
import org.storelog.sandbox.Limits;
import org.storelog.sandbox.PhaseClock;
import org.storelog.sandbox.SandboxRequest;
import org.storelog.sandbox.SandboxResult;
import org.storelog.sandbox.SandboxRunner;
import org.storelog.sandbox.Variation;

/**
 * Builds one derivation in a sandbox and checks its outputs the way Nix 2.8's
 * {@code LocalDerivationGoal} ({@code src/libstore/build/local-derivation-goal.cc}) does before
 * registering them: outputs exist, are canonicalized, hashed with reference scanning over the input
 * closure and the derivation's own outputs, {@code allowed/disallowedReferences} and
 * {@code allowed/disallowedRequisites} hold, and fixed outputs have the stated hash.
 *
 * <p>It registers nothing and never writes the store: outputs stay in the request's scratch
 * directory. {@code audit build} moves them into the store; {@code audit rebuild --check} compares
 * them. Thread-safe as long as each call gets its own scratch and build directories.
 */
public final class DerivationBuilder {
    private final StoreView view;
    private final StoreConfig config;
    private final SandboxRunner runner;
    private final StoreDir dir;

    public DerivationBuilder(StoreView view, StoreConfig config, SandboxRunner runner) {
        this.view = view;
        this.config = config;
        this.runner = runner;
        this.dir = StoreDir.of(config.storeDir());
    }

    /**
     * One build.
     *
     * @param drvPath    the derivation's logical store path
     * @param drv        the parsed derivation (output paths filled in)
     * @param variation  {@link Variation#NONE} for Nix's environment
     * @param scratchDir fresh host directory for this build (outputs land in {@code scratchDir/store})
     * @param buildDir   fresh host directory mounted as the build directory
     */
    public record Request(String drvPath, Derivation drv, Variation variation, Path scratchDir, Path buildDir,
                          Limits limits, int buildCores) {
        public Request {
            if (variation == null) variation = Variation.NONE;
            if (limits == null) limits = Limits.NONE;
            if (buildCores <= 0) buildCores = Runtime.getRuntime().availableProcessors();
        }
    }

    /**
     * A checked output, still in the scratch directory.
     *
     * @param hostPath   where its canonicalized files are now
     * @param references absolute logical paths, sorted, the output itself included if it refers to itself
     * @param ca         content address for fixed outputs ({@code fixed:[r:]algo:nix32}), else null
     */
    public record BuiltOutput(String name, String path, Path hostPath, Hash narHash, long narSize,
                              List<String> references, String ca) {}

    /**
     * How the build ended. {@code failure} is null on success, else Nix-like text saying why
     * (builder exit status, missing output, hash mismatch, forbidden reference, …); {@code sandbox}
     * is null only if the sandbox never ran.
     */
    public record Result(String drvPath, SortedMap<String, BuiltOutput> outputs, String failure, SandboxResult sandbox,
                         Duration duration) {
        public boolean succeeded() { return failure == null; }
    }

    /** The host's Nix system type, e.g. {@code x86_64-linux}. */
    public static String hostSystem() {
        String arch = System.getProperty("os.arch");
        String a = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            case "x86", "i386", "i686" -> "i686";
            default -> arch;
        };
        return a + "-" + System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Checks what can be checked before running anything, and computes the input closure
     * (logical path → host path). Throws {@link BuildException} for an unknown system, a
     * {@code builtin:} builder, a missing input or a builder outside the closure.
     */
    public SortedMap<String, Path> inputClosure(String drvPath, Derivation d) {
        requireBuildable(drvPath, d);
        List<String> roots = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (StorePath src : d.inputSrcs()) {
            String p = src.absolute(dir);
            if (view.isValid(p)) roots.add(p);
            else missing.add("input source " + p);
        }
        for (var e : d.inputDrvs().entrySet()) {
            String in = e.getKey().absolute(dir);
            Map<String, String> outs = outputsOf(in);
            for (String name : e.getValue()) {
                String out = outs.get(name);
                if (out == null) missing.add("output '" + name + "' of " + in + " (unknown derivation or output)");
                else if (!view.isValid(out)) missing.add("output '" + name + "' of " + in + " (" + out + ")");
                else roots.add(out);
            }
        }
        if (!missing.isEmpty())
            throw new BuildException(BuildException.Reason.MISSING_INPUT, "cannot build " + drvPath + ": missing inputs: "
                    + String.join(", ", missing));
        SortedMap<String, Path> closure = new TreeMap<>();
        for (String p : view.requisites(roots)) closure.put(p, config.physical(p));
        requireBuilderVisible(drvPath, d, closure.keySet());
        return closure;
    }

    /** A builder we can run, for this machine's system type, without structured attributes. */
    private static void requireBuildable(String drvPath, Derivation d) {
        if (d.builder().startsWith("builtin:"))
            throw new BuildException(BuildException.Reason.BUILTIN_BUILDER, "cannot build " + drvPath + ": builder '"
                    + d.builder() + "' is built into Nix; storelog does not implement builtin builders");
        String host = hostSystem();
        if (!d.platform().equals(host))
            throw new BuildException(BuildException.Reason.UNKNOWN_SYSTEM, "a '" + d.platform() + "' is required to build '"
                    + drvPath + "', but I am a '" + host + "'");
        if (d.env().containsKey("__json"))
            throw new BuildException(BuildException.Reason.UNSUPPORTED, "cannot build " + drvPath
                    + ": structured attributes (__structuredAttrs) are not supported");
    }

    /**
     * Checks that need no build of the inputs: a {@code builtin:} builder, the system type,
     * structured attributes, input sources valid, and the builder inside the inputs (an input
     * source's closure or an output of an input derivation, as {@code outputsOf} gives them).
     */
    public void preflight(String drvPath, Derivation d, java.util.function.Function<String, Map<String, String>> outputsOf) {
        requireBuildable(drvPath, d);
        List<String> srcs = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (StorePath src : d.inputSrcs()) {
            String p = src.absolute(dir);
            if (view.isValid(p)) srcs.add(p);
            else missing.add(p);
        }
        if (!missing.isEmpty())
            throw new BuildException(BuildException.Reason.MISSING_INPUT, "cannot build " + drvPath
                    + ": input sources not valid in this store: " + String.join(", ", missing) + " (add them with 'audit add')");
        Set<String> visible = new TreeSet<>(srcs.isEmpty() ? List.of() : view.requisites(srcs));
        for (var e : d.inputDrvs().entrySet()) {
            Map<String, String> outs = outputsOf.apply(e.getKey().absolute(dir));
            for (String name : e.getValue()) {
                String out = outs.get(name);
                if (out == null) continue;
                visible.add(out);
                if (view.isValid(out)) visible.addAll(view.requisites(List.of(out)));
            }
        }
        requireBuilderVisible(drvPath, d, visible);
    }

    private void requireBuilderVisible(String drvPath, Derivation d, Set<String> visible) {
        String builder = d.builder();
        if (!builder.startsWith(dir.path() + "/"))
            throw new BuildException(BuildException.Reason.BUILDER_NOT_IN_CLOSURE, "cannot build " + drvPath
                    + ": its builder " + builder + " is outside the store directory " + dir.path()
                    + "; only the input closure is visible in the sandbox");
        String rest = builder.substring(dir.path().length() + 1);
        String base = dir.path() + "/" + (rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest);
        if (!visible.contains(base))
            throw new BuildException(BuildException.Reason.BUILDER_NOT_IN_CLOSURE, "cannot build " + drvPath
                    + ": its builder " + builder + " is not in its input closure (add " + base + " to its input sources)");
    }

    /** Output name → path of a derivation: from the projection, else from its file in the store. */
    public Map<String, String> outputsOf(String drvPath) {
        SortedMap<String, String> declared = view.derivationOutputs(drvPath);
        if (!declared.isEmpty()) return declared;
        Map<String, String> result = new TreeMap<>();
        try {
            Derivation in = DrvFiles.read(dir, config.physical(drvPath));
            in.outputs().forEach((n, o) -> o.path().ifPresent(p -> result.put(n, p.absolute(dir))));
        } catch (IOException | RuntimeException e) {
            // unknown: reported as a missing input by the caller
        }
        return result;
    }

    /** Runs the build; the log receives the builder's output. */
    public Result build(Request r, OutputStream log) throws IOException {
        return checkOutputs(runSandbox(r, inputClosure(r.drvPath(), r.drv()), log));
    }

    /**
     * A builder that has run, its outputs not yet checked: what {@link #checkOutputs} needs. Splitting
     * the two lets a caller start the next sandbox while this one's outputs are hashed.
     */
    public static final class Sandboxed {
        private final Request request;
        private final SandboxRequest sandbox;
        private final SortedMap<String, String> outputPaths;
        private final Set<String> closure;
        private final SandboxResult result;
        private final long startNanos;

        private Sandboxed(Request request, SandboxRequest sandbox, SortedMap<String, String> outputPaths, Set<String> closure,
                          SandboxResult result, long startNanos) {
            this.request = request;
            this.sandbox = sandbox;
            this.outputPaths = outputPaths;
            this.closure = closure;
            this.result = result;
            this.startNanos = startNanos;
        }

        /** How the sandbox ended (the builder's exit status, a timeout, …). */
        public SandboxResult result() { return result; }

        /** The derivation this is a build of. */
        public String drvPath() { return request.drvPath(); }
    }

    /**
     * The first half of {@link #build}: runs the builder in a sandbox over {@code inputs} (as
     * {@link #inputClosure} gives them); the log receives the builder's output. The outputs stay
     * unchecked in the scratch directory until {@link #checkOutputs}.
     */
    public Sandboxed runSandbox(Request r, SortedMap<String, Path> inputs, OutputStream log) throws IOException {
        long start = System.nanoTime();
        Derivation d = r.drv();
        SortedMap<String, String> outputPaths = new TreeMap<>();
        for (var e : d.outputs().entrySet())
            outputPaths.put(e.getKey(), e.getValue().path().orElseThrow(() -> new BuildException(
                    BuildException.Reason.UNSUPPORTED, r.drvPath() + ": output '" + e.getKey() + "' has no path")).absolute(dir));

        Map<String, String> env = new LinkedHashMap<>(d.env());
        resolvePassAsFile(env, r);
        SandboxRequest.Builder sb = SandboxRequest.builder(dir.path())
                .scratchDir(r.scratchDir()).buildDir(r.buildDir())
                .env(env).buildCores(r.buildCores()).limits(r.limits()).variation(r.variation())
                .fixedOutput(d.isFixedOutput());
        List<String> argv = new ArrayList<>(d.args());
        sb.builder(d.builder(), argv.toArray(String[]::new));
        inputs.forEach(sb::input);
        outputPaths.values().forEach(sb::output);
        if (d.isFixedOutput())
            for (String name : d.env().getOrDefault("impureEnvVars", "").split("\\s+")) {
                String v = name.isEmpty() ? null : System.getenv(name);
                if (v != null) sb.impureEnv(name, v);
            }
        SandboxRequest req = sb.build();
        SandboxResult sr = runner.run(req, log);
        return new Sandboxed(r, req, outputPaths, inputs.keySet(), sr, start);
    }

    /**
     * The second half of {@link #build}: a failed builder's result, or its outputs checked (exist,
     * canonicalized, hashed and scanned for references, reference rules, fixed hashes).
     */
    public Result checkOutputs(Sandboxed s) throws IOException {
        Request r = s.request;
        SandboxResult sr = s.result;
        if (!sr.succeeded())
            return failed(r, "builder for '" + r.drvPath() + "' failed: " + sr.describe(), sr, s.startNanos);
        try {
            return check(r, s.sandbox, s.outputPaths, s.closure, sr, s.startNanos);
        } catch (CanonicalizationException e) {
            return failed(r, "output of '" + r.drvPath() + "' cannot be registered: " + e.getMessage(), sr, s.startNanos);
        }
    }

    private Result check(Request r, SandboxRequest req, SortedMap<String, String> outputPaths, Set<String> closure,
                         SandboxResult sr, long start) throws IOException {
        Derivation d = r.drv();
        Map<String, String> byHashPart = new HashMap<>();
        for (String p : closure) byHashPart.put(hashPart(p), p);
        for (String p : outputPaths.values()) byHashPart.put(hashPart(p), p);
        SortedMap<String, BuiltOutput> built = new TreeMap<>();
        for (var e : outputPaths.entrySet()) {
            String name = e.getKey();
            Path host = req.hostOutputPath(e.getValue());
            if (!Files.exists(host, LinkOption.NOFOLLOW_LINKS))
                return failed(r, "builder for '" + r.drvPath() + "' failed to produce output path for output '" + name
                        + "' at '" + e.getValue() + "'", sr, start);
            org.storelog.sandbox.OutputCanonicalizer.checkOutputRoot(host);
            long t1 = PhaseClock.start();
            long bytes = org.storelog.sandbox.OutputCanonicalizer.canonicalize(host);
            NarDigest digest = NarHasher.hashTree(host, byHashPart.keySet(), bytes);
            PhaseClock.end("output canonicalize+hash", t1);
            List<String> refs = new ArrayList<>(new TreeSet<>(digest.foundHashParts().stream().map(byHashPart::get).toList()));
            String ca = null;
            DerivationOutput out = d.outputs().get(name);
            if (out.isFixed()) {
                if (!refs.isEmpty())
                    return failed(r, "the fixed-output derivation '" + r.drvPath() + "' must not reference store paths: "
                            + String.join(", ", refs), sr, start);
                Hash got;
                if (out.method() == FileIngestionMethod.RECURSIVE) {
                    got = NarHasher.hashTree(host, out.algorithm());
                } else {
                    if (!Files.isRegularFile(host, LinkOption.NOFOLLOW_LINKS) || Files.isExecutable(host))
                        return failed(r, "output path '" + e.getValue() + "' should be a non-executable regular file "
                                + "since recursive hashing is not enabled (outputHashMode=flat)", sr, start);
                    got = NarHasher.hashFile(host, out.algorithm());
                }
                Hash wanted = out.fixedHash();
                if (!got.equals(wanted))
                    return failed(r, "hash mismatch in fixed-output derivation '" + r.drvPath() + "':\n  specified: "
                            + wanted.toSri() + "\n     got:    " + got.toSri(), sr, start);
                ca = "fixed:" + (out.method() == FileIngestionMethod.RECURSIVE ? "r:" : "") + got.toPrefixedNix32();
            }
            built.put(name, new BuiltOutput(name, e.getValue(), host, digest.narHash(), digest.narSize(), List.copyOf(refs), ca));
        }
        String refProblem = checkReferenceRules(d, outputPaths, built);
        if (refProblem != null) return failed(r, refProblem, sr, start);
        return new Result(r.drvPath(), built, null, sr, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Nix's {@code checkOutputs} for the four attributes, without structured attributes. */
    private String checkReferenceRules(Derivation d, SortedMap<String, String> outputPaths,
                                       SortedMap<String, BuiltOutput> built) {
        for (BuiltOutput o : built.values()) {
            for (String attr : List.of("allowedReferences", "allowedRequisites", "disallowedReferences", "disallowedRequisites")) {
                String spec = d.env().get(attr);
                if (spec == null) continue;
                Set<String> specPaths = new TreeSet<>();
                for (String item : spec.trim().split("\\s+")) {
                    if (item.isEmpty()) continue;
                    if (outputPaths.containsKey(item)) specPaths.add(outputPaths.get(item));
                    else if (item.startsWith(dir.path() + "/") && StorePath.isValidBaseName(item.substring(dir.path().length() + 1)))
                        specPaths.add(item);
                    else return "derivation '" + d.name() + "' contains an illegal reference specifier '" + item + "'";
                }
                Set<String> used = attr.endsWith("Requisites") ? requisites(o, built) : new TreeSet<>(o.references());
                boolean allowed = attr.startsWith("allowed");
                List<String> bad = new ArrayList<>();
                for (String u : used) {
                    if (u.equals(o.path())) continue; // self-references are always allowed
                    if (allowed != specPaths.contains(u)) bad.add(u);
                }
                if (!bad.isEmpty())
                    return "output '" + o.path() + "' is not allowed to refer to the following paths"
                            + (attr.endsWith("Requisites") ? " (" + attr + ")" : "") + ":\n  " + String.join("\n  ", bad);
            }
        }
        return null;
    }

    /** Closure of an output's references: sibling outputs just built, then the store's requisites. */
    private Set<String> requisites(BuiltOutput o, SortedMap<String, BuiltOutput> built) {
        Map<String, BuiltOutput> byPath = new HashMap<>();
        built.values().forEach(b -> byPath.put(b.path(), b));
        Set<String> seen = new TreeSet<>();
        List<String> todo = new ArrayList<>(o.references());
        List<String> inStore = new ArrayList<>();
        while (!todo.isEmpty()) {
            String p = todo.remove(todo.size() - 1);
            if (!seen.add(p)) continue;
            BuiltOutput b = byPath.get(p);
            if (b != null) todo.addAll(b.references());
            else inStore.add(p);
        }
        if (!inStore.isEmpty()) seen.addAll(view.requisites(inStore));
        return seen;
    }

    /**
     * Nix's {@code passAsFile}: each named variable is written to {@code .attr-<nix32 sha256 of its
     * name>} in the build directory and replaced by {@code <name>Path}.
     */
    private static void resolvePassAsFile(Map<String, String> env, Request r) throws IOException {
        String names = env.get("passAsFile");
        if (names == null || names.isBlank()) return;
        if (!Files.isDirectory(r.buildDir())) {
            Files.createDirectories(r.buildDir());
            Files.setAttribute(r.buildDir(), "unix:mode", 0700);
        }
        for (String name : new TreeSet<>(Arrays.asList(names.trim().split("\\s+")))) {
            String value = env.remove(name);
            if (value == null) value = "";
            String fn = ".attr-" + NixBase32.encode(Hash.sha256(name.getBytes(StandardCharsets.UTF_8)).bytes());
            Files.writeString(r.buildDir().resolve(fn), value, StandardCharsets.UTF_8);
            env.put(name + "Path", r.variation().buildDir() + "/" + fn);
        }
    }

    private static String hashPart(String absPath) {
        String base = absPath.substring(absPath.lastIndexOf('/') + 1);
        return base.substring(0, StorePath.HASH_LENGTH);
    }

    private static Result failed(Request r, String why, SandboxResult sr, long start) {
        return new Result(r.drvPath(), new TreeMap<>(), why, sr, Duration.ofNanos(System.nanoTime() - start));
    }
}
