package org.storelog.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the CLI in-process with captured stdout and stderr, as a user would run {@code audit}. */
public final class CliRunner {
    public record Result(int exit, String out, String err) {
        public List<String> lines() { return out.isEmpty() ? List.of() : List.of(out.split("\n")); }
    }

    private final Path state;

    public CliRunner(Path state) { this.state = state; }

    public static synchronized Result runRaw(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            int code = ExitCodes.commandLine(new Audit()).execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    public Result run(String... args) {
        List<String> all = new ArrayList<>(List.of("--state", state.toString()));
        all.addAll(List.of(args));
        return runRaw(all.toArray(String[]::new));
    }
}
