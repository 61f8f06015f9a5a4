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
 *
 * <p>{@code Train} alone trains every path in one run. The launcher also keeps a smaller cache for
 * {@code audit query}: {@code Train init DIR} (not recorded) creates a store with one registered
 * path, then {@code Train query DIR} (recorded) runs only the read-only query forms on it, so that
 * cache holds no class of the write path (Axon, Jackson, the log), which the JVM would otherwise
 * map and load at every query start.
 */
public final class Train {
    private Train() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 2 && args[0].equals("init")) {
            quietly(initRuns(args[1]));
            return;
        }
        if (args.length == 2 && args[0].equals("query")) {
            quietly(queryRuns(args[1]));
            return;
        }
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
            runAll(runs);
            bulkRuns(tmp.resolve("bulk"));
            buildRuns(tmp.resolve("b"));
        } finally {
            System.setOut(out);
            System.setErr(err);
            try (Stream<Path> s = Files.walk(tmp)) {
                for (Path q : s.sorted(Comparator.reverseOrder()).toList()) q.toFile().delete();
            }
        }
    }

    /**
     * The whole-store paths (issue 3's import and replay, issue 6's GC): a dump-db text of 3,000
     * paths with references imported into a fresh store, replayed, collected (dry run) and queried,
     * so those commands start with their classes linked and their hot methods profiled (JEP 515).
     */
    private static void bulkRuns(Path dir) throws IOException {
        Files.createDirectories(dir);
        String alphabet = "0123456789abcdfghijklmnpqrsvwxyz";
        int n = 3000;
        String[] paths = new String[n];
        StringBuilder dump = new StringBuilder();
        for (int i = 0; i < n; i++) {
            char[] hash = new char[32];
            for (int k = 0, v = i * 7919 + 13; k < 32; k++, v = v * 31 + k) hash[k] = alphabet.charAt(Math.floorMod(v, 32));
            paths[i] = "/nix/store/" + new String(hash) + "-train-" + i;
            int[] refs = i == 0 ? new int[0] : new int[] {0, i / 2, i - 1};
            dump.append(paths[i]).append('\n').append("0".repeat(63)).append(i % 10).append('\n')
                    .append(1000 + i).append('\n').append('\n');
            java.util.TreeSet<String> unique = new java.util.TreeSet<>();
            for (int r : refs) unique.add(paths[r]);
            dump.append(unique.size()).append('\n');
            for (String r : unique) dump.append(r).append('\n');
        }
        Path file = Files.writeString(dir.resolve("dump"), dump);
        String state = dir.resolve("state").toString();
        runAll(new String[][] {
            {"--state", state, "init", "--store-dir", "/nix/store"},
            {"--state", state, "import", "--dump-db", file.toString()},
            {"--state", state, "replay"},
            {"--state", state, "roots", "add", "r", paths[n - 1]},
            {"--state", state, "gc", "--dry-run"},
            {"--state", state, "query", "referrers-closure", paths[0]},
        });
    }

    /**
     * The build and rebuild paths (sandbox, NAR hashing of outputs, build events), when this machine
     * can build: a static busybox added to a fresh standalone store, one derivation created, built and
     * checked. Without busybox or bubblewrap the training simply skips them.
     */
    private static void buildRuns(Path dir) throws IOException {
        Path busybox = Path.of("/usr/bin/busybox");
        if (!Files.isExecutable(busybox)) return;
        String state = dir.resolve("state").toString();
        Path src = Files.createDirectories(dir.resolve("src/busybox-static"));
        Files.copy(busybox, src.resolve("busybox"));
        Path store = dir.resolve("root/nix/store");
        runAll(new String[][] {
            {"--state", state, "init", "--store-dir", "/nix/store", "--root", dir.resolve("root").toString()},
            {"--state", state, "add", src.toString()},
        });
        String bb = storePathEndingWith(store, "-busybox-static");
        if (bb == null) return;
        runAll(new String[][] {{"--state", state, "drv", "create", "--name", "train", "--builder", bb + "/busybox",
                "--arg", "sh", "--arg", "-c", "--arg", "echo trained > $out"}});
        String drv = storePathEndingWith(store, "-train.drv");
        if (drv == null) return;
        runAll(new String[][] {
            {"--state", state, "build", drv},
            {"--state", state, "rebuild", "--check", drv},
            {"--state", state, "rebuild", "--check", "--json", drv},
        });
    }

    private static String storePathEndingWith(Path store, String suffix) throws IOException {
        try (var s = Files.list(store)) {
            return s.map(x -> x.getFileName().toString()).filter(n -> n.endsWith(suffix)).findFirst()
                    .map(n -> "/nix/store/" + n).orElse(null);
        }
    }

    /** A standalone store under {@code state} holding one added path (the query training's subject). */
    private static String[][] initRuns(String state) {
        Path dir = Path.of(state);
        try {
            Files.createDirectories(dir.resolve("src"));
            Files.writeString(dir.resolve("src/f"), "storelog");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new String[][] {
            {"--state", state, "init", "--store-dir", "/nix/store", "--root", dir.resolve("root").toString()},
            {"--state", state, "add", dir.resolve("src").toString()},
        };
    }

    /** Read-only query forms, on the store {@link #initRuns} made (whatever path it added). */
    private static String[][] queryRuns(String state) {
        String p = "/nix/store/00000000000000000000000000000000-x";
        try (var s = Files.list(Path.of(state, "root", "nix", "store"))) {
            p = s.map(Path::toString).map(x -> "/nix/store/" + Path.of(x).getFileName()).findFirst().orElse(p);
        } catch (IOException e) {
            // train on the invalid path then
        }
        return new String[][] {
            {"--state", state, "query", "valid", p},
            {"--state", state, "query", "references", p},
            {"--state", state, "query", "referrers", p},
            {"--state", state, "query", "requisites", p},
            {"--state", state, "query", "deriver", p},
            {"--state", state, "query", "info", p},
            {"--state", state, "query", "references", "/nix/store/00000000000000000000000000000000-x"},
        };
    }

    private static void quietly(String[][] runs) {
        PrintStream out = System.out, err = System.err;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        try {
            runAll(runs);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static void runAll(String[][] runs) {
        for (String[] run : runs) {
            try {
                Audit.run(run);
            } catch (RuntimeException e) {
                // training only: failures change nothing
            }
        }
    }
}
