package org.storelog.cli;

import java.nio.file.Path;
import java.util.List;
import org.storelog.app.Store;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code audit} command. Its model, like those of the commands whose start-up
 * matters ({@code query}, {@code build}, {@code rebuild}), is built in code ({@link CommandSpecs}):
 * no annotation is read on their path. The other commands are annotated.
 */
public final class Audit implements Runnable {
    /**
     * Every subcommand, in help order. Kept on a marker class rather than on {@code Audit} so that
     * picocli builds only the model of the subcommand a run uses (building all of them costs more
     * start-up time than a whole query). Commands whose model is built in code are listed too; see
     * {@link #specOf}.
     */
    @Command(name = "commands",
            subcommands = {InitCommand.class, ImportCommand.class, QueryCommand.class, HistoryCommand.class,
                    ReplayCommand.class, DrvCommand.class, KeyCommand.class, NarinfoCommand.class,
                    HashCommand.class, NarCommand.class, RootsCommand.class, GcCommand.class,
                    AddCommand.class, BuildCommand.class, BuildLogCommand.class, LogCommand.class,
                    RebuildCommand.class})
    static final class Commands {}

    final CommandLine.Model.CommandSpec spec;

    Path state;

    public Audit() {
        spec = CommandSpecs.command(this, "audit", "Event-sourced Nix-compatible store and reproducibility auditor.");
        spec.version("storelog 0.1.0");
        spec.addOption(CommandSpecs.option(CommandSpecs.<Path>bind(() -> state, v -> state = v), Path.class, "--state")
                .paramLabel("DIR").scopeType(CommandLine.ScopeType.INHERIT)
                .description("State directory (default: $AUDIT_STATE, else ~/.local/state/storelog).").build());
    }

    /** The state directory this invocation works on. */
    Path state() { return stateDir().root(); }

    public StateDir stateDir() { return StateDir.resolve(state); }

    /** The state directory of the command line a subcommand runs in. */
    public static StateDir stateDir(CommandLine.Model.CommandSpec spec) {
        return ((Audit) spec.root().userObject()).stateDir();
    }

    /** The state directory's path for a subcommand's model. */
    static Path state(CommandLine.Model.CommandSpec spec) { return stateDir(spec).root(); }

    /** The configured command line with every subcommand: exit codes per {@link ExitCodes}. */
    public static CommandLine commandLine() { return commandLine(null); }

    /**
     * The configured command line for {@code args}: exit codes per {@link ExitCodes}, and only the
     * subcommand {@code args} names (every one when it names none, or when {@code args} is null).
     */
    public static CommandLine commandLine(String[] args) {
        return addSubcommands(ExitCodes.install(new CommandLine(new Audit().spec)), args);
    }

    /** Adds the subcommand {@code args} names, or all of them when it names none (help, usage, errors). */
    static CommandLine addSubcommands(CommandLine cl, String[] args) {
        String wanted = args == null ? null : commandName(args);
        if (wanted != null) { // the commands built in code need no annotation read at all
            CommandLine.Model.CommandSpec hot = inCode(wanted);
            if (hot != null) return cl.addSubcommand(new CommandLine(hot));
        }
        Class<?>[] all = Commands.class.getAnnotation(Command.class).subcommands();
        if (wanted == null && args != null) {
            // No command named: the root prints its version, or its usage with the list of commands. The
            // list needs each command's name and description only, not its model (whose annotations
            // would be read, each making the JDK generate a proxy: ~0.3 s of an 'audit --help').
            List<String> given = List.of(args);
            if (given.contains("-V") || given.contains("--version")) return cl;
            for (Class<?> c : all) {
                CommandLine.Model.CommandSpec inCode = specOf(c);
                cl.addSubcommand(inCode != null ? new CommandLine(inCode) : listing(c.getAnnotation(Command.class)));
            }
            return cl;
        }
        if (wanted != null)
            for (Class<?> c : all)
                if (!IN_CODE.containsKey(c) && c.getAnnotation(Command.class).name().equals(wanted)) return cl.addSubcommand(c);
        for (Class<?> c : all) {
            CommandLine.Model.CommandSpec s = specOf(c);
            if (s != null) cl.addSubcommand(new CommandLine(s));
            else cl.addSubcommand(c);
        }
        return cl;
    }

    /** A command as the root's usage lists it: name, aliases, description, header, hidden or not. */
    private static CommandLine listing(Command a) {
        CommandLine.Model.CommandSpec s = CommandLine.Model.CommandSpec.create().name(a.name()).aliases(a.aliases());
        s.usageMessage().description(a.description()).header(a.header()).hidden(a.hidden());
        return new CommandLine(s);
    }

    /** The commands whose models are built in code (no annotation read on their way), with their names. */
    private static final java.util.Map<Class<?>, String> IN_CODE = java.util.Map.of(QueryCommand.class, "query",
            BuildCommand.class, "build", RebuildCommand.class, "rebuild", HistoryCommand.class, "history");

    /** A new model of the command {@code name} if it is built in code, else null (a name of {@link #IN_CODE}). */
    private static CommandLine.Model.CommandSpec inCode(String name) {
        return switch (name) {
            case "query" -> QueryCommand.spec();
            case "build" -> BuildCommand.spec();
            case "rebuild" -> RebuildCommand.spec();
            case "history" -> HistoryCommand.spec();
            default -> null;
        };
    }

    /** The model of a command built in code, or null for an annotated one. */
    private static CommandLine.Model.CommandSpec specOf(Class<?> c) {
        String name = IN_CODE.get(c);
        return name == null ? null : inCode(name);
    }

    /** The first argument that is not a root option (or an option's value). */
    private static String commandName(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--state")) i++;
            else if (!a.startsWith("-")) return a;
        }
        return null;
    }

    @Override public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        int rc = run(args);
        exit(commandName(args), rc);
    }

    /** The commands that end with {@link Runtime#halt} (see {@link #exit}). */
    private static final java.util.Set<String> HALTING = java.util.Set.of("query", "build", "rebuild", "history", "hash");

    /**
     * Ends the process. {@code System.exit} starts the JDK's logging (it logs every exit at DEBUG
     * level; its back end is looked up through a ServiceLoader that opens every jar), ~20–35 ms of
     * cold code. The commands of {@link #HALTING} have closed their store (or opened none) when they
     * return, and when the launcher gave every native library by path none was copied to a temporary
     * file to delete at exit: with no shutdown work left, they halt once their output is flushed.
     */
    private static void exit(String command, int rc) {
        System.out.flush();
        System.err.flush();
        boolean hot = command != null && HALTING.contains(command);
        // -Dstorelog.phases prints its totals from a shutdown hook, which halt would skip
        if (hot && System.getProperty("storelog.phases") == null && System.getProperty("lmdbjava.native.lib") != null && System.getProperty("jffi.boot.library.path") != null
                && System.getProperty("ZstdNativePath") != null)
            Runtime.getRuntime().halt(rc);
        System.exit(rc);
    }

    /** Runs one command line as {@code main} does (and as the AOT training runs it); returns the exit code. */
    static int run(String[] args) {
        // picocli looks for Groovy's Closure class when its factory is first used: a class that is not
        // there makes the class loader open every jar on the class path (~0.1 s of cold code).
        System.setProperty("picocli.disable.closures", "true");
        // Likewise SLF4J (Axon logs through it, on the write path) would look for its providers with a
        // ServiceLoader, which reads every jar; the binding is known.
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
            // (SLF4J says at INFO level that it loads the provider named: only its warnings are shown)
            if (System.getProperty("slf4j.internal.verbosity") == null) System.setProperty("slf4j.internal.verbosity", "WARN");
        }
        var fast = HashCommand.fastPath(args);
        if (fast.isPresent()) return fast.getAsInt();
        openStoreEarly(args);
        return commandLine(args).execute(args);
    }

    /**
     * {@code query}, {@code build} and {@code rebuild} open the store first thing: start opening it
     * now, on another thread, while picocli builds the model and parses the arguments
     * ({@link Store#openInBackground}; the command's own {@link Store#open} takes it). Nothing is
     * started for help, or when the state directory cannot be told from the arguments.
     */
    private static void openStoreEarly(String[] args) {
        String cmd = commandName(args);
        boolean write;
        if ("query".equals(cmd)) write = false;
        else if ("build".equals(cmd) || "rebuild".equals(cmd)) write = true;
        else return;
        try {
            Path option = null;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--")) break;
                if (a.equals("--help") || a.equals("--version")
                        || (a.startsWith("-") && !a.startsWith("--") && (a.indexOf('h') > 0 || a.indexOf('V') > 0))) return;
                if (a.equals("--state")) {
                    if (i + 1 >= args.length) return;
                    option = Path.of(args[++i]);
                } else if (a.startsWith("--state=")) {
                    option = Path.of(a.substring("--state=".length()));
                }
            }
            Store.openInBackground(StateDir.resolve(option).root(), write);
            // jnr-ffi sets up java.util.logging on the first LMDB transaction; that set-up looks for
            // logger services in every jar on the class path (~0.1 s of cold code, opening 34 jars).
            // Done now, on a third thread, it overlaps with the rest instead of delaying the open.
            Thread.ofPlatform().daemon().name("logging-init").start(java.util.logging.LogManager::getLogManager);
        } catch (RuntimeException e) {
            // the command reports whatever is wrong with its arguments
        }
    }
}
