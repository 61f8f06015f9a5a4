package org.storelog.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Access to real Nix, bubblewrap and busybox for differential tests. Outside CI a missing tool
 * skips the test; with {@code CI=true} it fails it, because CI must install everything
 * ({@code .ci/run}).
 */
public final class ExternalTools {
    private ExternalTools() {}

    public static boolean inCi() { return "true".equalsIgnoreCase(System.getenv("CI")); }

    /** Ensures an executable on PATH (or an absolute path) exists; skips or fails otherwise. */
    public static String require(String tool) {
        String found = which(tool);
        if (found == null) {
            String msg = tool + " is not installed (apt-get install nix-bin bubblewrap busybox-static; see .ci/run)";
            if (inCi()) Assertions.fail(msg);
            Assumptions.abort(msg);
        }
        return found;
    }

    public static String which(String tool) {
        if (tool.startsWith("/")) return Files.isExecutable(Path.of(tool)) ? tool : null;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    /** Result of a finished process. */
    public record Result(int exit, byte[] stdout, String stderr) {
        public String out() { return new String(stdout, StandardCharsets.UTF_8); }

        public Result ok() {
            if (exit != 0) Assertions.fail("command failed with exit " + exit + ": " + stderr);
            return this;
        }
    }

    public static Result run(List<String> cmd) { return run(cmd, null, Map.of(), null); }

    public static Result run(List<String> cmd, Path dir, Map<String, String> env, byte[] stdin) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            if (dir != null) pb.directory(dir.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (var in = p.getOutputStream()) {
                if (stdin != null) in.write(stdin);
            }
            int code = p.waitFor();
            return new Result(code, out.join(), new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in; var buf = new ByteArrayOutputStream()) {
            in.transferTo(buf);
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
