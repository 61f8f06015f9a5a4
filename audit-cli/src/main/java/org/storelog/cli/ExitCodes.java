package org.storelog.cli;

import org.storelog.app.StoreException;
import picocli.CommandLine;

/**
 * The one place where failures become exit codes: 0 success, 1 failure or negative answer,
 * 2 audit found a divergence, 64 usage or malformed input, 70 internal error.
 */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int DIVERGED = 2;
    static final int USAGE = 64;
    static final int INTERNAL = 70;

    private ExitCodes() {}

    static CommandLine commandLine(Object root) {
        CommandLine cl = new CommandLine(root);
        cl.setParameterExceptionHandler((ex, args) -> {
            System.err.println("audit: " + ex.getMessage());
            System.err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            int code = codeFor(ex);
            System.err.println("audit: " + (code == INTERNAL ? "internal error: " : "") + message(ex));
            if (code == INTERNAL || System.getenv("STORELOG_DEBUG") != null) ex.printStackTrace();
            return code;
        });
        return cl;
    }

    static int codeFor(Throwable ex) {
        if (ex instanceof StoreException se) return se.exitCode();
        return INTERNAL;
    }

    private static String message(Throwable ex) {
        return ex.getMessage() == null ? ex.toString() : ex.getMessage();
    }
}
