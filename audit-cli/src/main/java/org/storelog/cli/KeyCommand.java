package org.storelog.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import org.storelog.narinfo.SigningKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code audit key generate NAME [--out-dir D]}: a Nix-format Ed25519 signing key pair. */
@Command(name = "key", mixinStandardHelpOptions = true, description = "Manage Nix-format Ed25519 signing keys.",
        subcommands = {KeyCommand.Generate.class})
public final class KeyCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(spec.commandLine().getErr()); }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = {"Generate a signing key pair, as nix-store --generate-binary-cache-key does.",
                "Writes NAME.secret (mode 0600) and NAME.public and prints the public key (NAME:BASE64),",
                "the value to add to Nix's trusted-public-keys."})
    static final class Generate implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "Key name, conventionally HOST-N (e.g. cache.example.org-1).")
        String name;

        @Option(names = "--out-dir", paramLabel = "D", description = "Directory for the key files (default: current).")
        Path outDir = Path.of(".");

        @Override public Integer call() throws IOException {
            if (name.isEmpty() || name.contains(":") || name.contains("/"))
                throw new CommandLine.ParameterException(spec.commandLine(), "key name must be non-empty, without ':' or '/'");
            SigningKey key = SigningKey.generate(name);
            Path secret = outDir.resolve(name + ".secret"), pub = outDir.resolve(name + ".public");
            for (Path p : new Path[] {secret, pub})
                if (Files.exists(p)) {
                    spec.commandLine().getErr().println("audit: " + p + " already exists; not overwriting it");
                    return ExitCodes.FAILURE;
                }
            Files.createDirectories(outDir);
            writeNew(secret, key.toString(), true);
            writeNew(pub, key.publicKey().toString(), false);
            spec.commandLine().getOut().println(key.publicKey());
            return ExitCodes.OK;
        }

        /** Writes through a private temporary file renamed into place, so no one sees a partial key. */
        private static void writeNew(Path target, String content, boolean secret) throws IOException {
            Path dir = target.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(dir, ".key", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(tmp, content, StandardCharsets.UTF_8);
                if (!secret) Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
                if (Files.exists(target)) throw new FileAlreadyExistsException(target.toString());
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
