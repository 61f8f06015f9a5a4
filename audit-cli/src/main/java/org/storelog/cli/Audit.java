package org.storelog.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code audit} command. */
@Command(name = "audit", mixinStandardHelpOptions = true, version = "storelog 0.1.0",
        description = "Event-sourced Nix-compatible store and reproducibility auditor.",
        subcommands = {HashCommand.class, NarCommand.class})
public final class Audit implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.err); }

    public static void main(String[] args) {
        var fast = HashCommand.fastPath(args);
        System.exit(fast.isPresent() ? fast.getAsInt() : commandLine().execute(args));
    }

    /** The root command line with exit codes mapped ({@link ExitCodes}). */
    public static CommandLine commandLine() {
        return ExitCodes.configure(new CommandLine(new Audit()));
    }
}
