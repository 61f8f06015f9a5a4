package org.storelog.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.Callable;
import org.storelog.domain.drv.Derivation;
import org.storelog.domain.drv.DerivationHasher;
import org.storelog.domain.drv.DerivationOutput;
import org.storelog.domain.drv.DrvFiles;
import org.storelog.domain.drv.OutputCheck;
import org.storelog.domain.drv.OutputPaths;
import org.storelog.domain.store.StoreDir;
import org.storelog.domain.store.StorePath;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code audit drv …}: inspect {@code .drv} files and recompute their paths as Nix does. */
@Command(name = "drv", mixinStandardHelpOptions = true,
        description = "Inspect store derivations (.drv files) and recompute their paths.",
        subcommands = {DrvCommand.Show.class, DrvCommand.Outputs.class, DrvCommand.PathCmd.class, DrvCreateCommand.class})
public final class DrvCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.ParentCommand Audit audit;

    @Override public void run() { spec.commandLine().usage(spec.commandLine().getErr()); }

    /** Options shared by the subcommands. */
    static class DrvInput {
        @Parameters(index = "0", paramLabel = "F.drv", description = "The .drv file.") Path file;

        @Option(names = "--store-dir", paramLabel = "D", defaultValue = "${env:NIX_STORE_DIR:-/nix/store}",
                description = "Logical store directory (default: $NIX_STORE_DIR or /nix/store).")
        String storeDir;

        StoreDir dir(CommandLine cl) {
            try {
                return StoreDir.of(storeDir);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, "--store-dir: " + e.getMessage());
            }
        }

        Derivation read(CommandLine cl) throws IOException {
            if (!Files.isRegularFile(file)) throw new CommandLine.ParameterException(cl, "no such file: " + file);
            return DrvFiles.read(dir(cl), file);
        }

        /** Input derivations are looked up next to the file, then in the store directory. */
        DerivationHasher hasher(CommandLine cl) {
            List<Path> dirs = new ArrayList<>();
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) dirs.add(parent);
            dirs.add(Path.of(dir(cl).path()));
            return new DerivationHasher(dir(cl), DrvFiles.resolver(dir(cl), dirs));
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print a derivation: a readable summary, or with --json what `nix show-derivation` prints.")
    static final class Show implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin DrvInput in;
        @Option(names = "--json", description = "Print JSON shaped like `nix show-derivation`.") boolean json;

        @Override public Integer call() throws IOException {
            CommandLine cl = spec.commandLine();
            Derivation d = in.read(cl);
            StoreDir dir = in.dir(cl);
            StorePath self = OutputPaths.drvPath(dir, d);
            PrintWriter out = cl.getOut();
            if (json) out.println(toJson(dir, self, d));
            else printSummary(out, dir, self, d);
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "outputs", mixinStandardHelpOptions = true,
            description = {"Compute the output paths from the derivation and its input derivations (looked up next to "
                    + "the file, then in the store directory); print NAME PATH per line.",
                    "Exits 1 if the file states different paths."})
    static final class Outputs implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin DrvInput in;

        @Override public Integer call() throws IOException {
            CommandLine cl = spec.commandLine();
            Derivation d = in.read(cl);
            StoreDir dir = in.dir(cl);
            List<OutputCheck> checks = OutputPaths.check(d, in.hasher(cl));
            PrintWriter out = cl.getOut();
            PrintWriter err = cl.getErr();
            boolean ok = true;
            for (OutputCheck c : checks) {
                out.println(c.output() + " " + c.computed().absolute(dir));
                if (!c.matches()) {
                    ok = false;
                    err.println(in.file + ": output '" + c.output() + "' is stated as " + c.stated().get().absolute(dir)
                            + " but computes to " + c.computed().absolute(dir));
                }
            }
            out.flush();
            err.flush();
            return ok ? ExitCodes.OK : ExitCodes.FAILURE;
        }
    }

    @Command(name = "path", mixinStandardHelpOptions = true,
            description = "Print the .drv file's own store path (a text path over its contents and references).")
    static final class PathCmd implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin DrvInput in;

        @Override public Integer call() throws IOException {
            CommandLine cl = spec.commandLine();
            Derivation d = in.read(cl);
            cl.getOut().println(OutputPaths.drvPath(in.dir(cl), d).absolute(in.dir(cl)));
            cl.getOut().flush();
            return ExitCodes.OK;
        }
    }

    /** The shape of Nix 2.8's {@code nix show-derivation}: {@code {DRVPATH: {outputs, inputSrcs, inputDrvs, system, builder, args, env}}}. */
    static String toJson(StoreDir dir, StorePath self, Derivation d) {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        ObjectNode drv = root.putObject(self.absolute(dir));
        ObjectNode outs = drv.putObject("outputs");
        for (Map.Entry<String, DerivationOutput> e : d.outputs().entrySet()) {
            ObjectNode o = outs.putObject(e.getKey());
            e.getValue().path().ifPresent(p -> o.put("path", p.absolute(dir)));
            if (!e.getValue().hashAlgo().isEmpty()) o.put("hashAlgo", e.getValue().hashAlgo());
            if (!e.getValue().hash().isEmpty()) o.put("hash", e.getValue().hash());
        }
        ArrayNode srcs = drv.putArray("inputSrcs");
        d.inputSrcs().forEach(p -> srcs.add(p.absolute(dir)));
        ObjectNode inputs = drv.putObject("inputDrvs");
        for (Map.Entry<StorePath, SortedSet<String>> e : d.inputDrvs().entrySet()) {
            ArrayNode names = inputs.putArray(e.getKey().absolute(dir));
            e.getValue().forEach(names::add);
        }
        drv.put("system", d.platform());
        drv.put("builder", d.builder());
        ArrayNode args = drv.putArray("args");
        d.args().forEach(args::add);
        ObjectNode env = drv.putObject("env");
        d.env().forEach(env::put);
        try {
            return m.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static void printSummary(PrintWriter out, StoreDir dir, StorePath self, Derivation d) {
        out.println("derivation " + self.absolute(dir));
        out.println("  name     " + d.name());
        out.println("  system   " + d.platform());
        out.println("  builder  " + d.builder());
        out.println("  args     " + (d.args().isEmpty() ? "(none)" : ""));
        for (String a : d.args()) out.println("    " + quote(a));
        out.println("  outputs");
        for (Map.Entry<String, DerivationOutput> e : d.outputs().entrySet()) {
            DerivationOutput o = e.getValue();
            String fixed = o.isFixed() ? "  (fixed " + o.hashAlgo() + ":" + o.hash() + ")" : "";
            out.println("    " + e.getKey() + " " + o.path().map(p -> p.absolute(dir)).orElse("(no path)") + fixed);
        }
        out.println("  input derivations" + (d.inputDrvs().isEmpty() ? " (none)" : ""));
        d.inputDrvs().forEach((p, names) -> out.println("    " + p.absolute(dir) + " " + String.join(",", names)));
        out.println("  input sources" + (d.inputSrcs().isEmpty() ? " (none)" : ""));
        d.inputSrcs().forEach(p -> out.println("    " + p.absolute(dir)));
        out.println("  env");
        d.env().forEach((k, v) -> out.println("    " + k + "=" + quote(v)));
    }

    /** Shows control characters, quotes and backslashes escaped so one value stays on one line. */
    private static String quote(String s) {
        boolean plain = s.chars().allMatch(c -> c >= 0x20 && c != '"' && c != '\\') && !s.isEmpty();
        if (plain) return s;
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\x%02x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
