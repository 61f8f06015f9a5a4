package org.storelog.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.storelog.nar.NarListing;
import org.storelog.nar.NarRestore;
import org.storelog.nar.NarWire;
import org.storelog.nar.NarWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code audit nar}: write, unpack and list NAR archives (as {@code nix-store --dump/--restore}, {@code nix nar ls}). */
@Command(name = "nar", mixinStandardHelpOptions = true,
        description = "Write, unpack and list NAR archives.",
        subcommands = {NarCommand.Dump.class, NarCommand.Restore.class, NarCommand.Ls.class})
public final class NarCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** Run bare: usage on stderr, exit 64. */
    @Override public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    @Command(name = "dump", mixinStandardHelpOptions = true,
            description = "Write the NAR serialisation of PATH to standard output (nix-store --dump).")
    static final class Dump implements Callable<Integer> {
        @Parameters(paramLabel = "PATH") Path path;

        @Override public Integer call() throws IOException {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) throw new java.nio.file.NoSuchFileException(path.toString());
            OutputStream out = new BufferedOutputStream(System.out, 1 << 20);
            NarWriter.dump(path, out);
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = {"Unpack the NAR read from standard input at DEST (nix-store --restore).",
                    "DEST must not exist; it appears only if the whole archive is valid."})
    static final class Restore implements Callable<Integer> {
        @Parameters(paramLabel = "DEST") Path dest;

        @Override public Integer call() throws IOException {
            NarRestore.restore(System.in, dest);
            return ExitCodes.OK;
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true,
            description = {"List the contents of a NAR file, or of the NAR serialisation of a tree.",
                    "PATH is a .nar file, '-' for standard input, or a file tree."})
    static final class Ls implements Callable<Integer> {
        @Parameters(paramLabel = "PATH|F") String source;

        @Option(names = "--json", description = "Print Nix's .ls JSON ({\"version\":1,\"root\":…}).")
        boolean json;

        @Override public Integer call() throws IOException {
            NarListing listing = listing(source);
            StringBuilder sb = new StringBuilder();
            if (json) {
                sb.append(new ObjectMapper().writeValueAsString(listing.json())).append('\n');
            } else {
                for (NarListing.Entry e : listing.entries()) {
                    // Like `nix nar ls -lR F /`: a directory root is not listed itself.
                    if (e.path().isEmpty() && e.type() == NarListing.Type.DIRECTORY) continue;
                    sb.append(line(e)).append('\n');
                }
            }
            System.out.print(sb);
            System.out.flush();
            return ExitCodes.OK;
        }

        /** The library call: a listing of a NAR file, of stdin, or of a tree. */
        static NarListing listing(String source) throws IOException {
            if (source.equals("-")) return NarListing.of(System.in);
            Path p = Path.of(source);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) throw new java.nio.file.NoSuchFileException(source);
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && looksLikeNar(p)) {
                try (InputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 16)) {
                    return NarListing.of(in);
                }
            }
            return NarListing.ofTree(p);
        }

        private static boolean looksLikeNar(Path p) throws IOException {
            byte[] magic = NarWire.MAGIC.getBytes(StandardCharsets.US_ASCII);
            byte[] head = new byte[8 + magic.length];
            try (InputStream in = Files.newInputStream(p)) {
                if (in.readNBytes(head, 0, head.length) < head.length) return false;
            }
            return head[0] == magic.length && Arrays.equals(head, 8, head.length, magic, 0, magic.length);
        }

        static String line(NarListing.Entry e) {
            String mode = switch (e.type()) {
                case REGULAR -> e.executable() ? "-r-xr-xr-x" : "-r--r--r--";
                case SYMLINK -> "lrwxrwxrwx";
                case DIRECTORY -> "dr-xr-xr-x";
            };
            String l = String.format("%s %20d %s", mode, e.size(), e.path());
            return e.type() == NarListing.Type.SYMLINK ? l + " -> " + e.target() : l;
        }
    }
}
