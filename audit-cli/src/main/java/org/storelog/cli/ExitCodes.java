package org.storelog.cli;

import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/** The one place where exceptions become exit codes (0 ok, 1 failure, 64 usage, 70 internal). */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 64;
    public static final int INTERNAL = 70;

    private ExitCodes() {}

    /** Exit code for an exception thrown by a command. */
    public static int of(Throwable e) {
        if (e instanceof CommandLine.ParameterException) return USAGE;
        // malformed input files and bad store paths: domain exceptions extending IllegalArgumentException
        if (e instanceof org.storelog.domain.drv.DerivationFormatException
                || e instanceof org.storelog.domain.store.InvalidStorePathException) return USAGE;
        if (e instanceof org.storelog.domain.drv.InvalidDerivationException || e instanceof NoSuchFileException)
            return FAILURE;
        return INTERNAL;
    }

    /** Installs the handlers on {@code cl} and all its subcommands. */
    public static CommandLine install(CommandLine cl) {
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            int code = of(ex);
            PrintWriter err = cmd.getErr();
            err.println("error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            if (code == INTERNAL) ex.printStackTrace(err);
            err.flush();
            return code;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("error: " + ex.getMessage());
            ex.getCommandLine().usage(err);
            err.flush();
            return USAGE;
        });
        return cl;
    }
}
