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
                HashCommand.class, NarCommand.class, RootsCommand.class, GcCommand.class})
public final class Audit implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--state", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "State directory (default: $AUDIT_STATE, else ~/.local/state/storelog).")
    Path state;

    /** The state directory this invocation works on. */
    Path state() {
        if (state != null) return state.toAbsolutePath();
        String env = System.getenv("AUDIT_STATE");
        if (env != null && !env.isEmpty()) return Path.of(env).toAbsolutePath();
        return Path.of(System.getProperty("user.home"), ".local", "state", "storelog");
    }

    @Override public void run() {
        spec.commandLine().usage(System.err);
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(ExitCodes.commandLine(new Audit()).execute(args));
    }
}
