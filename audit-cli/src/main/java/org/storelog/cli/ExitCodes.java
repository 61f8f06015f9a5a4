package org.storelog.cli;

import org.storelog.log.LogException;
import org.storelog.log.checkpoint.CheckpointFormatException;
import org.storelog.log.checkpoint.KeyFormatException;
import picocli.CommandLine;

/** The one place where exceptions become exit codes: 0 ok, 1 failure, 64 usage, 70 internal. */
public final class ExitCodes {
    private ExitCodes() {}

    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 64;
    public static final int INTERNAL = 70;

    /** Bad input given on the command line, or a malformed input file. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) { super(message); }
    }

    public static int of(Throwable t) {
        if (t instanceof UsageException || t instanceof KeyFormatException || t instanceof CheckpointFormatException
                || t instanceof CommandLine.ParameterException) return USAGE;
        if (t instanceof LogException) return FAILURE;
        return INTERNAL;
    }

    /** Prints the error on stderr (with the stack trace only for internal errors) and returns its code. */
    public static CommandLine.IExecutionExceptionHandler handler() {
        return (ex, cmd, parseResult) -> {
            int code = of(ex);
            String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            cmd.getErr().println("error: " + msg);
            if (code == INTERNAL) ex.printStackTrace(cmd.getErr());
            cmd.getErr().flush();
            return code;
        };
    }
}
