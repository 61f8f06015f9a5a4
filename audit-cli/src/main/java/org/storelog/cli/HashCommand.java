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
        HashAlgorithm algo = HashAlgorithm.parse(type);
        StringBuilder out = new StringBuilder();
        for (Path p : paths) out.append(format.print(hash(p, recursive, algo))).append('\n');
        System.out.print(out);
        System.out.flush();
        return ExitCodes.OK;
    }
}
