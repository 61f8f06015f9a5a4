package org.storelog.cli;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of the {@code audit} command. */
@Command(name = "audit", mixinStandardHelpOptions = true, version = "storelog 0.1.0",
        description = "Event-sourced Nix-compatible store and reproducibility auditor.",
        subcommands = {LogCommand.class})
public final class Audit implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--state", paramLabel = "DIR",
            description = "State directory (default: $AUDIT_STATE, else ~/.local/state/storelog).")
    Path state;

    @Override public void run() { spec.commandLine().usage(System.err); }

    public StateDir stateDir() { return StateDir.resolve(state); }

    /** The state directory of the command line a subcommand runs in. */
    public static StateDir stateDir(CommandLine.Model.CommandSpec spec) {
        return ((Audit) spec.root().userObject()).stateDir();
    }

    /** The configured command line: exit codes per {@link ExitCodes}. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Audit());
        cl.setExecutionExceptionHandler(ExitCodes.handler());
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("error: " + ex.getMessage());
            c.usage(c.getErr());
            return ExitCodes.USAGE;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
