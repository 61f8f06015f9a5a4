package org.storelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A standalone store under a test's temp dir, with Debian's static busybox added and derivations created on it. */
final class StandaloneFixture {
    private StandaloneFixture() {}

    static CliRunner standalone(Path tmp) {
        CliRunner audit = new CliRunner(tmp.resolve("state"));
        assertEquals(0, audit.run("init", "--root", tmp.resolve("root").toString()).exit());
        return audit;
    }

    /** Adds a directory holding {@code busybox} (busybox picks its applet from the file name); returns its store path. */
    static String busybox(CliRunner audit, Path tmp) throws IOException {
        Path bb = Files.createDirectories(tmp.resolve("src/busybox-static"));
        Files.copy(Path.of("/usr/bin/busybox"), bb.resolve("busybox"));
        return audit.run("add", bb.toString()).out().strip();
    }

    /** {@code audit drv create} of a derivation running {@code busybox sh -ec script}; returns the .drv path. */
    static String drv(CliRunner audit, String bb, String name, String script) {
        CliRunner.Result r = audit.run("drv", "create", "--name", name, "--builder", bb + "/busybox",
                "--arg", "sh", "--arg", "-ec", "--arg", script, "--env", "PATH=" + bb);
        assertEquals(0, r.exit(), r.err());
        return r.out().strip();
    }
}
