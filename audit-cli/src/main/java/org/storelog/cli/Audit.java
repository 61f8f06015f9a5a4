package org.storelog.cli;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of the {@code audit} command. */
@Command(name = "audit", mixinStandardHelpOptions = true, version = "storelog 0.1.0",
        description = "Event-sourced Nix-compatible store and reproducibility auditor.",
        subcommands = {InitCommand.class, ImportCommand.class, QueryCommand.class, HistoryCommand.class,
                ReplayCommand.class, DrvCommand.class, KeyCommand.class, NarinfoCommand.class,
                HashCommand.class, NarCommand.class, LogCommand.class})
public final class Audit implements Runnable {
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

    /** The configured command line: exit codes per {@link ExitCodes}. */
    public static CommandLine commandLine() { return ExitCodes.commandLine(new Audit()); }

    @Override public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
