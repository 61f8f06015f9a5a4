package org.storelog.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.storelog.nar.NarFormatException;
import org.storelog.narinfo.KeyFormatException;
import org.storelog.narinfo.NarInfoFormatException;
import org.storelog.narinfo.SexpFormatException;
import org.storelog.app.StoreException;
import picocli.CommandLine;

/**
 * The one place where failures become exit codes: 0 success, 1 failure or negative answer,
 * 2 an audit found a divergence, 64 usage or malformed input, 70 internal error.
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int DIVERGED = 2;
    public static final int USAGE = 64;
    public static final int INTERNAL = 70;

    private ExitCodes() {}

    /** Bad input given on the command line, or a malformed input file. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) { super(message); }
    }

    /** Exit code for an exception thrown by a command. */
    public static int of(Throwable e) {
        if (e instanceof StoreException se) return se.exitCode();
        if (e instanceof CommandLine.ParameterException || e instanceof UsageException) return USAGE;
        if (e instanceof org.storelog.log.checkpoint.CheckpointFormatException || e instanceof org.storelog.log.checkpoint.KeyFormatException) return USAGE;
        if (e instanceof org.storelog.log.LogException) return FAILURE;
        // malformed input files and bad store paths
        if (e instanceof org.storelog.domain.drv.DerivationFormatException
                || e instanceof org.storelog.domain.store.InvalidStorePathException) return USAGE;
        if (e instanceof NarInfoFormatException || e instanceof KeyFormatException || e instanceof SexpFormatException)
            return USAGE;
        if (e instanceof NarFormatException) return USAGE;
        if (e instanceof NoSuchFileException || e instanceof AccessDeniedException) return USAGE;
        if (e instanceof org.storelog.domain.drv.InvalidDerivationException) return FAILURE;
        // no bubblewrap or user namespaces: the message says what to install or enable
        if (e instanceof org.storelog.sandbox.SandboxException) return FAILURE;
        if (e instanceof IllegalArgumentException) return USAGE;
        if (e instanceof IOException) return FAILURE;
        return INTERNAL;
    }

    /** The root command line with the handlers installed (they apply to every subcommand). */
    public static CommandLine commandLine(Object root) {
        return root instanceof Audit a ? Audit.addSubcommands(install(new CommandLine(a.spec)), null)
                : install(new CommandLine(root));
    }

    /** Installs the handlers on {@code cl}. */
    public static CommandLine install(CommandLine cl) {
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            int code = of(ex);
            var err = cmd.getErr();
            err.println("error: " + (code == INTERNAL ? "internal error: " : "") + message(ex));
            if (code == INTERNAL || System.getenv("STORELOG_DEBUG") != null) ex.printStackTrace(err);
            err.flush();
            return code;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            var err = ex.getCommandLine().getErr();
            err.println("error: " + ex.getMessage());
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            err.flush();
            return USAGE;
        });
        return cl;
    }

    private static String message(Throwable ex) {
        if (ex instanceof NoSuchFileException n) return "no such file: " + n.getFile();
        return ex.getMessage() == null ? ex.toString() : ex.getMessage();
    }
}
