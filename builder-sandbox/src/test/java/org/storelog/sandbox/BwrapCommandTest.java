package org.storelog.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bubblewrap command line for a few requests, against hand-written golden files under
 * {@code src/test/resources/golden/argv/} (one argument per line, {@code \n} and {@code \\}
 * escaped). Whether the environment they describe equals Nix's is checked separately, against a
 * real Nix build, by {@link NixSandboxParityTest}.
 */
class BwrapCommandTest {
    static final BwrapCommand.Tools TOOLS = new BwrapCommand.Tools("/bin/sh", "/usr/bin/setpriv", "/usr/bin/taskset", "/usr/bin/bwrap");

    static SandboxRequest simple() {
        String bb = "/nix/store/0000000000000000000000000000000a-busybox";
        String out = "/nix/store/1111111111111111111111111111111b-probe";
        return SandboxRequest.builder("/nix/store")
                .input(bb, Path.of("/srv/inputs/busybox"))
                .output(out)
                .scratchDir(Path.of("/srv/scratch"))
                .buildDir(Path.of("/srv/build"))
                .builder(bb + "/busybox", "sh", "-ec", "echo hi > $out")
                .env("out", out).env("name", "probe").env("system", "x86_64-linux").env("builder", bb + "/busybox")
                .env("multi", "line1\nline2\\end")
                .env("HOME", "/set-by-drv")
                .env("TMPDIR", "/ignored")
                .buildCores(2)
                .limits(new Limits(Duration.ofSeconds(10), Duration.ofSeconds(5)))
                .build();
    }

    static SandboxRequest fixedOutput() {
        String bb = "/gnu/store/0000000000000000000000000000000a-busybox";
        return SandboxRequest.builder("/gnu/store")
                .input(bb, Path.of("/srv/inputs/busybox"))
                .output("/gnu/store/2222222222222222222222222222222c-src.tar.gz")
                .scratchDir(Path.of("/srv/scratch"))
                .buildDir(Path.of("/srv/build"))
                .builder(bb + "/busybox", "wget", "http://example.org/src.tar.gz")
                .env("out", "/gnu/store/2222222222222222222222222222222c-src.tar.gz")
                .fixedOutput(true)
                .impureEnv("http_proxy", "http://proxy:3128")
                .build();
    }

    static SandboxRequest varied() {
        String bb = "/nix/store/0000000000000000000000000000000a-busybox";
        String lib = "/nix/store/00000000000000000000000000000000-lib";
        return SandboxRequest.builder("/nix/store")
                .input(bb, Path.of("/srv/inputs/busybox"))
                .input(lib, Path.of("/srv/inputs/lib"))
                .output("/nix/store/3333333333333333333333333333333d-probe")
                .output("/nix/store/3333333333333333333333333333333e-probe-dev")
                .scratchDir(Path.of("/srv/scratch"))
                .buildDir(Path.of("/srv/build"))
                .builder(bb + "/busybox", "sh", "-ec", "true")
                .env("out", "/nix/store/3333333333333333333333333333333d-probe")
                .env("dev", "/nix/store/3333333333333333333333333333333e-probe-dev")
                .buildCores(4)
                .variation(Variation.NONE.withBuildDir("/tmp/nix-build-probe-0").withHostname("builder2")
                        .withIds(30001, 30000).withCpuCount(2).withUmask(0002).withBuildDirOnTmpfs(true))
                .build();
    }

    @Test void simpleRequest_matchesGolden() throws IOException {
        assertEquals(golden("simple.args"), BwrapCommand.commandLine(simple(), TOOLS));
    }

    @Test void buildUser_isSwitchedToBeforeBwrapStarts() throws IOException {
        assertEquals(golden("build-user.args"), BwrapCommand.commandLine(simple(), TOOLS,
                java.util.Optional.of(new BwrapCommand.HostUser(30001, 30000))));
    }

    @Test void fixedOutputRequest_keepsNetworkAndPassesImpureVariables() throws IOException {
        assertEquals(golden("fixed-output.args"), BwrapCommand.commandLine(fixedOutput(), TOOLS));
    }

    @Test void variedRequest_appliesEveryVariation() throws IOException {
        assertEquals(golden("varied.args"), BwrapCommand.commandLine(varied(), TOOLS));
    }

    @Test void argv_startsWithBwrapAndEndsWithBuilder() {
        List<String> a = BwrapCommand.argv(simple(), "bwrap");
        assertEquals("bwrap", a.get(0));
        int sep = a.indexOf("--");
        assertEquals(simple().builder(), a.subList(sep + 1, a.size()));
    }

    @Test void sandboxedBuild_hasNoNetwork() {
        assertTrue(BwrapCommand.argv(simple(), "bwrap").contains("--unshare-all"));
        assertTrue(!BwrapCommand.argv(simple(), "bwrap").contains("--share-net"));
    }

    static List<String> golden(String name) throws IOException {
        try (InputStream in = BwrapCommandTest.class.getResourceAsStream("/golden/argv/" + name)) {
            if (in == null) throw new IOException("missing golden file " + name);
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<String> args = new ArrayList<>();
            for (String line : text.split("\n", -1)) args.add(unescape(line));
            if (args.get(args.size() - 1).isEmpty()) args.remove(args.size() - 1);
            return args;
        }
    }

    static String unescape(String line) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                char n = line.charAt(++i);
                sb.append(n == 'n' ? '\n' : n);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
