package org.storelog.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.storelog.nar.NarFormatException;
import picocli.CommandLine;

/**
 * The one place where exceptions become exit codes: 0 ok, 1 failure or negative answer,
 * 64 usage error (bad argument, missing input, malformed input file), 70 internal error.
 */
public final class ExitCodes {
    private ExitCodes() {}

    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 64;
    public static final int INTERNAL = 70;

    /** The exit code for a command that failed with {@code e}. */
    public static int of(Throwable e) {
        if (e instanceof CommandLine.ParameterException) return USAGE;
        if (e instanceof NarFormatException) return USAGE;
        if (e instanceof NoSuchFileException || e instanceof IllegalArgumentException) return USAGE;
        if (e instanceof IOException) return FAILURE;
        return INTERNAL;
    }

    /** Installs the mapping on {@code cmd} (and its subcommands). */
    public static CommandLine configure(CommandLine cmd) {
        cmd.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("audit: " + ex.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr())) c.usage(c.getErr());
            return USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
            int code = of(ex);
            c.getErr().println("audit: " + message(ex));
            if (code == INTERNAL) ex.printStackTrace(c.getErr());
            return code;
        });
        return cmd;
    }

    private static String message(Throwable e) {
        if (e instanceof NoSuchFileException n) return n.getFile() + ": no such file or directory";
        if (e instanceof AccessDeniedException a) return a.getFile() + ": permission denied";
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
