package org.storelog.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.storelog.narinfo.KeyFormatException;
import org.storelog.narinfo.NarInfoFormatException;
import org.storelog.narinfo.SexpFormatException;
import picocli.CommandLine;

/**
 * The one place where exceptions become exit codes: 0 ok, 1 failure or negative answer, 64 usage
 * error (bad command-line input or malformed input file), 70 internal error.
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 64;
    public static final int INTERNAL = 70;

    private ExitCodes() {}

    /** Exit code for an exception that escaped a command. */
    public static int of(Throwable e) {
        if (e instanceof CommandLine.ParameterException) return USAGE;
        if (e instanceof NarInfoFormatException || e instanceof KeyFormatException || e instanceof SexpFormatException)
            return USAGE;
        if (e instanceof NoSuchFileException || e instanceof AccessDeniedException) return USAGE;
        return INTERNAL;
    }

    /** Prints {@code audit: MESSAGE} (the stack trace too for internal errors) and returns {@link #of}. */
    public static final CommandLine.IExecutionExceptionHandler HANDLER = (e, cmd, parsed) -> {
        int code = of(e);
        String msg = e instanceof NoSuchFileException ? "no such file: " + e.getMessage()
                : e instanceof AccessDeniedException ? "permission denied: " + e.getMessage()
                : e.getMessage();
        cmd.getErr().println("audit: " + msg);
        if (code == INTERNAL) e.printStackTrace(cmd.getErr());
        cmd.getErr().flush();
        return code;
    };

    /** Configures a command line with this mapping (and picocli's 64 for usage errors). */
    public static CommandLine install(CommandLine cl) {
        cl.setExecutionExceptionHandler(HANDLER);
        cl.setExitCodeExceptionMapper(ExitCodes::of);
        cl.getCommandSpec().exitCodeOnInvalidInput(USAGE);
        cl.getCommandSpec().exitCodeOnExecutionException(INTERNAL);
        return cl;
    }
}
