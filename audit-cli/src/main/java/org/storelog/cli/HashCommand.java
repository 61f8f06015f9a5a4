package org.storelog.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.storelog.domain.hash.Hash;
import org.storelog.domain.hash.HashAlgorithm;
import org.storelog.nar.NarHasher;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code audit hash}: what {@code nix-hash} prints, for files or their NAR serialisation. */
@Command(name = "hash", mixinStandardHelpOptions = true,
        description = {"Print the hash of each PATH, as nix-hash does.",
                "Without -r, the hash of the file's contents; with -r, of its NAR serialisation."})
public final class HashCommand implements Callable<Integer> {
    @Option(names = "-r", description = "Hash the NAR serialisation of PATH (a file, directory or symlink).")
    boolean recursive;

    @Option(names = "--flat", description = "Hash the file's contents (the default).")
    boolean flat;

    @Option(names = "--type", paramLabel = "ALGO", defaultValue = "sha256",
            description = "Hash algorithm: md5, sha1, sha256 (default; nix-hash defaults to md5) or sha512.")
    String type;

    @ArgGroup(exclusive = true)
    Format format = new Format();

    static final class Format {
        @Option(names = "--base16", description = "Print in base 16 (the default).") boolean base16;
        @Option(names = "--base32", description = "Print in Nix's base 32.") boolean base32;
        @Option(names = "--base64", description = "Print in base 64.") boolean base64;
        @Option(names = "--sri", description = "Print as an SRI hash (ALGO-BASE64).") boolean sri;

        String print(Hash h) {
            if (base32) return h.toNix32();
            if (base64) return h.toBase64();
            if (sri) return h.toSri();
            return h.toBase16();
        }
    }

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files (or trees with -r) to hash.")
    List<Path> paths;

    /** The library call behind the command: the hash of one path. */
    static Hash hash(Path p, boolean recursive, HashAlgorithm algo) throws java.io.IOException {
        return recursive ? NarHasher.hashTree(p, algo) : NarHasher.hashFile(p, algo);
    }

    @Override public Integer call() throws Exception {
        if (recursive && flat) throw new IllegalArgumentException("-r and --flat exclude each other");
        return print(paths, recursive, HashAlgorithm.parse(type), format);
    }

    private static int print(List<Path> paths, boolean recursive, HashAlgorithm algo, Format format) throws Exception {
        StringBuilder out = new StringBuilder();
        for (Path p : paths) out.append(format.print(hash(p, recursive, algo))).append('\n');
        System.out.print(out);
        System.out.flush();
        return ExitCodes.OK;
    }

    /**
     * Runs {@code audit hash …} without building picocli's command model, which costs about half
     * a second of CPU at start-up (measured with JDK 25 for the whole {@link Audit} tree) — more
     * than hashing 500 MB. Only the plain forms are handled here: {@code -r}, {@code --flat},
     * {@code --type ALGO}, one format flag, then paths. Anything else (help, a mistake, an
     * unknown option, an error while hashing) returns empty and picocli runs the command
     * normally, so the output and exit codes are the same either way.
     */
    static java.util.OptionalInt fastPath(String[] args) {
        if (args.length < 2 || !args[0].equals("hash")) return java.util.OptionalInt.empty();
        boolean recursive = false;
        boolean flat = false;
        String type = "sha256";
        Format format = new Format();
        int formats = 0;
        List<Path> paths = new java.util.ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-r" -> recursive = true;
                case "--flat" -> flat = true;
                case "--base16" -> { format.base16 = true; formats++; }
                case "--base32" -> { format.base32 = true; formats++; }
                case "--base64" -> { format.base64 = true; formats++; }
                case "--sri" -> { format.sri = true; formats++; }
                case "--type" -> {
                    if (++i == args.length) return java.util.OptionalInt.empty();
                    type = args[i];
                }
                default -> {
                    if (a.startsWith("-")) return java.util.OptionalInt.empty();
                    paths.add(Path.of(a));
                }
            }
        }
        if (paths.isEmpty() || formats > 1 || (recursive && flat)) return java.util.OptionalInt.empty();
        try {
            HashAlgorithm algo = HashAlgorithm.parse(type);
            for (Path p : paths) if (!java.nio.file.Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return java.util.OptionalInt.empty();
            return java.util.OptionalInt.of(print(paths, recursive, algo, format)); // main then halts (Audit.exit)
        } catch (Exception e) {
            // Nothing was printed yet (print writes once, at the end): let picocli report it.
            return java.util.OptionalInt.empty();
        }
    }
}
