package org.storelog.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The launcher's training run for the JVM's ahead-of-time class cache: runs the common start-up
 * paths (a store opened for writing and for reading, queries, history, the log) on a throwaway
 * store, with all output discarded, so later runs of {@code audit} start from linked classes.
 */
public final class Train {
    private Train() {}

    public static void main(String[] args) throws IOException {
        Path tmp = Files.createTempDirectory("storelog-train");
        PrintStream out = System.out, err = System.err;
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(sink);
        System.setErr(sink);
        try {
            String state = tmp.resolve("state").toString();
            Path file = Files.writeString(tmp.resolve("f"), "storelog");
            String p = "/nix/store/00000000000000000000000000000000-x";
            // A small tree for `hash -r` (issue 2): many small files and one read in pieces.
            Path tree = Files.createDirectories(tmp.resolve("tree/d"));
            for (int i = 0; i < 300; i++) Files.write(tree.resolve("f" + i), new byte[1024 + i]);
            Files.write(tree.resolve("large"), new byte[3 << 20]);
            String[][] runs = {
                {"--state", state, "init", "--store-dir", tmp.resolve("store").toString()},
                {"--state", state, "query", "valid", tmp.resolve("store") + "/00000000000000000000000000000000-x"},
                {"--state", state, "query", "references", p},
                {"--state", state, "history", p},
                {"--state", state, "log", "tail"},
                {"hash", "--base32", file.toString()},
                {"hash", "-r", "--type", "sha256", "--base32", tmp.resolve("tree").toString()},
                {"--help"},
            };
            for (String[] run : runs) {
                try {
                    Audit.addSubcommands(ExitCodes.install(new picocli.CommandLine(new Audit())), run).execute(run);
                } catch (RuntimeException e) {
                    // training only: failures change nothing
                }
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
            try (Stream<Path> s = Files.walk(tmp)) {
                for (Path q : s.sorted(Comparator.reverseOrder()).toList()) q.toFile().delete();
            }
        }
    }
}
