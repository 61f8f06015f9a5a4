package org.storelog.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.storelog.narinfo.NarInfo;
import org.storelog.narinfo.NarInfoVerifier;
import org.storelog.narinfo.SigningKey;
import org.storelog.narinfo.TrustedKeys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code audit narinfo sign|verify}: Nix signatures on narinfos; verification of Nix and Guix ones. */
@Command(name = "narinfo", mixinStandardHelpOptions = true, description = "Sign and verify binary-cache narinfos.",
        subcommands = {NarinfoCommand.Sign.class, NarinfoCommand.Verify.class})
public final class NarinfoCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(spec.commandLine().getErr()); }

    static NarInfo read(Path f) throws IOException { return NarInfo.parse(Files.readAllBytes(f)); }

    @Command(name = "sign", mixinStandardHelpOptions = true,
            description = {"Add a Nix signature (Sig:) over the narinfo's fingerprint, as nix store sign does.",
                "The file is replaced atomically."})
    static final class Sign implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Option(names = "--key", required = true, paramLabel = "K", description = "Secret-key file (NAME:BASE64, as audit key generate writes).")
        Path key;

        @Parameters(paramLabel = "F", description = "The .narinfo file to sign in place.")
        Path file;

        @Override public Integer call() throws IOException {
            SigningKey k = SigningKey.parse(Files.readString(key));
            NarInfo signed = k.sign(read(file));
            replaceAtomically(file, signed.toBytes());
            spec.commandLine().getErr().println("signed " + signed.storePath() + " with " + k.name());
            return ExitCodes.OK;
        }

        private static void replaceAtomically(Path target, byte[] content) throws IOException {
            Path dir = target.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(dir, ".narinfo", ".tmp");
            try {
                Files.write(tmp, content);
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
                try {
                    Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system: keep the default mode
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Exit 0 if the narinfo carries a valid signature by a trusted key, else 1 with the reason.",
                "Checks Nix Sig: lines (over the fingerprint) and Guix Signature: lines (over the text above it)."})
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Option(names = "--trusted", required = true, arity = "1..*", paramLabel = "KEY",
                description = {"Trusted keys: Nix public keys (NAME:BASE64) or files holding them,",
                    "or Guix public-key files ((public-key (ecc …)))."})
        List<String> trusted = new ArrayList<>();

        @Parameters(paramLabel = "F", arity = "0..1", description = "The .narinfo file.")
        Path file;

        @Option(names = "--json", description = "Print {\"valid\",\"signer\",\"reason\"} as JSON.")
        boolean json;

        @Override public Integer call() throws IOException {
            List<String> keys = new ArrayList<>(trusted);
            Path f = file;
            if (f == null) {
                // "--trusted K1 K2 F": the variadic option took the file too
                if (keys.size() < 2) throw new CommandLine.ParameterException(spec.commandLine(), "Missing required parameter: 'F'");
                f = Path.of(keys.remove(keys.size() - 1));
            }
            TrustedKeys all = new TrustedKeys(List.of(), List.of());
            for (String k : keys) {
                Path p = Path.of(k);
                if (Files.isRegularFile(p)) all = all.plus(TrustedKeys.parse(Files.readString(p)));
                else if (k.contains(":") || k.strip().startsWith("(")) all = all.plus(TrustedKeys.parse(k));
                else throw new java.nio.file.NoSuchFileException(k, null, "not a key (NAME:BASE64) nor a key file");
            }
            NarInfoVerifier.Result r = NarInfoVerifier.verify(read(f), all);
            var out = spec.commandLine().getOut();
            if (json) {
                out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(r));
            } else if (r.valid()) {
                out.println(f + ": valid signature by " + r.signer());
            } else {
                spec.commandLine().getErr().println("audit: " + f + ": " + r.reason());
            }
            return r.valid() ? ExitCodes.OK : ExitCodes.FAILURE;
        }
    }
}
