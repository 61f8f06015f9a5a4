package org.storelog.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.storelog.testsupport.ExternalTools;

/**
 * Small builds for the sandbox tests: the static busybox is exposed as an input directory
 * holding a file named {@code busybox} (busybox picks its applet from its file name), and the
 * builder is {@code busybox sh -ec SCRIPT} with {@code $b} pointing at busybox.
 */
final class TestBuilds {
    private TestBuilds() {}

    static final String STORE = "/nix/store";
    static final String BUSYBOX = STORE + "/0n2fzqx1wv6ri3i7rbc0l7mvyccaa4pv-busybox-static";
    static final String OUT = STORE + "/7dw6ib0ln7l1kd9m6ya6yyw1smd7wmsm-test-output";

    /** Skips (or fails in CI) unless bwrap and busybox are installed. */
    static void requireTools() {
        ExternalTools.require("bwrap");
        ExternalTools.require("/usr/bin/busybox");
    }

    /**
     * Nix's first build user ({@code nixbld1}) when running as root on a machine with Nix
     * installed; empty otherwise.
     */
    static Optional<BwrapCommand.HostUser> nixBuildUser() {
        if (!"0".equals(ExternalTools.run(List.of("id", "-u")).out().strip())) return Optional.empty();
        var uid = ExternalTools.run(List.of("id", "-u", "nixbld1"));
        var gid = ExternalTools.run(List.of("id", "-g", "nixbld1"));
        if (uid.exit() != 0 || gid.exit() != 0) return Optional.empty();
        return Optional.of(new BwrapCommand.HostUser(Integer.parseInt(uid.out().strip()), Integer.parseInt(gid.out().strip())));
    }

    /** Host directory holding a copy of busybox, to be exposed read-only at {@link #BUSYBOX}. */
    static Path busyboxInput(Path tmp) {
        try {
            Path dir = tmp.resolve("inputs/busybox-static");
            if (!Files.exists(dir.resolve("busybox"))) {
                Files.createDirectories(dir);
                Files.copy(Path.of("/usr/bin/busybox"), dir.resolve("busybox"));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A request running {@code script} with busybox as its only input and {@link #OUT} as output. */
    static SandboxRequest.Builder request(Path tmp, String script) {
        return SandboxRequest.builder(STORE)
                .input(BUSYBOX, busyboxInput(tmp))
                .output(OUT)
                .scratchDir(tmp.resolve("scratch"))
                .buildDir(tmp.resolve("build"))
                .builder(BUSYBOX + "/busybox", "sh", "-ec", "b=" + BUSYBOX + "/busybox\n" + script)
                .env("out", OUT)
                .buildCores(1);
    }

    /** Result and log of one run. */
    record Run(SandboxResult result, String log) {}

    static Run run(SandboxRequest r) {
        return run(new SandboxRunner(), r);
    }

    static Run run(SandboxRunner runner, SandboxRequest r) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SandboxResult res = runner.run(r, log);
        return new Run(res, log.toString(StandardCharsets.UTF_8));
    }

    static Run run(Path tmp, String script) {
        return run(request(tmp, script).build());
    }
}
