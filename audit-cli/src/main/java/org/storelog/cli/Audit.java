package org.storelog.cli;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of the {@code audit} command. */
@Command(name = "audit", mixinStandardHelpOptions = true, version = "storelog 0.1.0",
        description = "Event-sourced Nix-compatible store and reproducibility auditor.")
public final class Audit implements Runnable {
    /**
     * Every subcommand, in help order. Kept on a marker class rather than on {@code Audit} so that
     * picocli builds only the model of the subcommand a run uses (building all of them costs more
     * start-up time than a whole query).
     */
    @Command(name = "commands",
            subcommands = {InitCommand.class, ImportCommand.class, QueryCommand.class, HistoryCommand.class,
                    ReplayCommand.class, DrvCommand.class, KeyCommand.class, NarinfoCommand.class,
                    HashCommand.class, NarCommand.class, RootsCommand.class, GcCommand.class,
                    AddCommand.class, BuildCommand.class, BuildLogCommand.class, LogCommand.class,
                    RebuildCommand.class})
    static final class Commands {}

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--state", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "State directory (default: $AUDIT_STATE, else ~/.local/state/storelog).")
    Path state;

    /** The state directory this invocation works on. */
    Path state() { return stateDir().root(); }

    public StateDir stateDir() { return StateDir.resolve(state); }

    /** The state directory of the command line a subcommand runs in. */
    public static StateDir stateDir(CommandLine.Model.CommandSpec spec) {
        return ((Audit) spec.root().userObject()).stateDir();
    }

    /** The configured command line with every subcommand: exit codes per {@link ExitCodes}. */
    public static CommandLine commandLine() { return ExitCodes.commandLine(new Audit()); }

    /** Adds the subcommand {@code args} names, or all of them when it names none (help, usage, errors). */
    static CommandLine addSubcommands(CommandLine cl, String[] args) {
        Class<?>[] all = Commands.class.getAnnotation(Command.class).subcommands();
        String wanted = args == null ? null : commandName(args);
        if (wanted != null)
            for (Class<?> c : all)
                if (c.getAnnotation(Command.class).name().equals(wanted)) return cl.addSubcommand(c);
        for (Class<?> c : all) cl.addSubcommand(c);
        return cl;
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
        var fast = HashCommand.fastPath(args);
        System.exit(fast.isPresent() ? fast.getAsInt()
                : addSubcommands(ExitCodes.install(new CommandLine(new Audit())), args).execute(args));
    }
}
