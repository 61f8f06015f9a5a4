package org.storelog.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.testsupport.ExternalTools;

/**
 * Differential test against real Nix: the probe derivation in
 * {@code src/test/resources/golden/nix-probe/} dumps what its builder sees (environment,
 * /etc files, id, host name, cwd, directory listings, umask). It is built once with
 * {@code nix-build --option sandbox true} and once in our sandbox with the same derivation
 * environment and output path, and every dump must be equal.
 *
 * <p>Known and allowed differences: bubblewrap's {@code --dev} adds {@code /dev/core}; the
 * directories bwrap creates itself ({@code /}, {@code /nix}, {@code /tmp}, {@code /dev}) belong
 * to the builder rather than to {@code nobody}. Ownership is compared only when running as root
 * with Nix's {@code nixbld1} account, which our runner then uses as its build user, as Nix does.
 */
class NixSandboxParityTest {
    static final List<String> DRV_ENV = List.of("builder", "name", "out", "system", "probeVar", "multiLine",
            "TMPDIR", "HOME", "NIX_BUILD_CORES", "TERM");

    static Path probeDir;
    static Path nixOut;
    static String drvPath;

    @BeforeAll static void buildWithNix(@TempDir Path dir) throws IOException {
        ExternalTools.require("nix-build");
        TestBuilds.requireTools();
        probeDir = dir;
        for (String f : new String[] {"probe.nix", "probe.sh"}) Files.write(dir.resolve(f), resource(f));
        var built = ExternalTools.run(List.of("nix-build", "--option", "sandbox", "true", "--no-out-link",
                dir.resolve("probe.nix").toString()), dir, Map.of(), null).ok();
        nixOut = Path.of(built.out().strip());
        drvPath = ExternalTools.run(List.of("nix-instantiate", dir.resolve("probe.nix").toString()), dir, Map.of(), null)
                .ok().out().strip();
    }

    @Test void ourSandboxShowsTheBuilderWhatNixShowsIt(@TempDir Path tmp) throws IOException {
        Map<String, String> env = new TreeMap<>();
        for (String k : DRV_ENV) {
            String v = ExternalTools.run(List.of("nix-store", "-q", "--binding", k, drvPath)).ok().out();
            env.put(k, v.endsWith("\n") ? v.substring(0, v.length() - 1) : v);
        }
        String builder = env.get("builder");
        String busyboxPath = builder.substring(0, builder.lastIndexOf('/'));
        String out = env.get("out");
        assertEquals(nixOut.toString(), out);
        String script = new String(resource("probe.sh"), StandardCharsets.UTF_8);

        SandboxRequest r = SandboxRequest.builder("/nix/store")
                .input(busyboxPath, Path.of(busyboxPath))
                .output(out)
                .scratchDir(tmp.resolve("scratch"))
                .buildDir(tmp.resolve("build"))
                .builder(builder, "sh", "-ec", script)
                .env(env)
                .buildCores(2)
                .build();
        var buildUser = TestBuilds.nixBuildUser();
        if (buildUser.isPresent()) Files.setAttribute(tmp, "unix:mode", 0755);
        TestBuilds.Run run = TestBuilds.run(new SandboxRunner(BwrapCommand.Tools.DEFAULT, buildUser), r);
        assertTrue(run.result().succeeded(), run.result().describe() + ": " + run.log());

        Path ours = r.hostOutputPath(out);
        List<String> names;
        try (var s = Files.list(nixOut)) {
            names = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertTrue(names.size() >= 17, "probe dumps missing from Nix's output: " + names);
        try (var s = Files.list(ours)) {
            assertEquals(names, s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        for (String name : names) {
            String expected = Files.readString(nixOut.resolve(name));
            String actual = Files.readString(ours.resolve(name));
            if (name.equals("dev")) actual = actual.replace("\ncore\n", "\n");
            if (name.equals("owners")) {
                if (buildUser.isEmpty()) continue; // without a build user, root's files appear as the builder's
                expected = withoutBwrapOwnDirs(expected);
                actual = withoutBwrapOwnDirs(actual);
            }
            assertEquals(expected, actual, "dump '" + name + "' differs from Nix's");
        }
    }

    /** Drops the directories bwrap creates itself, which belong to the builder rather than to nobody. */
    static String withoutBwrapOwnDirs(String owners) {
        return owners.lines().filter(l -> !l.matches("\\S+ (/|/nix|/tmp|/dev)")).map(l -> l + "\n")
                .collect(java.util.stream.Collectors.joining());
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = NixSandboxParityTest.class.getResourceAsStream("/golden/nix-probe/" + name)) {
            if (in == null) throw new IOException("missing resource " + name);
            return in.readAllBytes();
        }
    }
}
