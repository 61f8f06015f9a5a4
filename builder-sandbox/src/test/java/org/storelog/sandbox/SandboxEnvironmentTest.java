package org.storelog.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Nix's precedence rules for the builder environment and the generated /etc files. */
class SandboxEnvironmentTest {
    static SandboxRequest.Builder base() {
        return SandboxRequest.builder("/nix/store")
                .output("/nix/store/1111111111111111111111111111111b-x")
                .scratchDir(Path.of("/s")).buildDir(Path.of("/b"))
                .builder("/bin/sh");
    }

    @Test void derivationMayOverridePathHomeStoreAndCores() {
        var env = SandboxEnvironment.of(base().env("PATH", "/drv/bin").env("HOME", "/h").env("NIX_STORE", "/s")
                .env("NIX_BUILD_CORES", "9").build());
        assertEquals("/drv/bin", env.get("PATH"));
        assertEquals("/h", env.get("HOME"));
        assertEquals("/s", env.get("NIX_STORE"));
        assertEquals("9", env.get("NIX_BUILD_CORES"));
    }

    @Test void derivationCannotOverrideBuildDirVariablesLogFdOrTerm() {
        var b = base();
        for (String k : List.of("NIX_BUILD_TOP", "TMPDIR", "TEMPDIR", "TMP", "TEMP", "PWD", "NIX_LOG_FD", "TERM"))
            b.env(k, "from-drv");
        var env = SandboxEnvironment.of(b.build());
        for (String k : List.of("NIX_BUILD_TOP", "TMPDIR", "TEMPDIR", "TMP", "TEMP", "PWD")) assertEquals("/build", env.get(k));
        assertEquals("2", env.get("NIX_LOG_FD"));
        assertEquals("xterm-256color", env.get("TERM"));
    }

    @Test void defaultsWhenDerivationSetsNothing() {
        var env = SandboxEnvironment.of(base().buildCores(3).build());
        assertEquals(Map.ofEntries(Map.entry("PATH", "/path-not-set"), Map.entry("HOME", "/homeless-shelter"),
                Map.entry("NIX_STORE", "/nix/store"), Map.entry("NIX_BUILD_CORES", "3"),
                Map.entry("NIX_BUILD_TOP", "/build"), Map.entry("TMPDIR", "/build"), Map.entry("TEMPDIR", "/build"),
                Map.entry("TMP", "/build"), Map.entry("TEMP", "/build"), Map.entry("PWD", "/build"),
                Map.entry("NIX_LOG_FD", "2"), Map.entry("TERM", "xterm-256color")), env);
    }

    @Test void variablesAreSortedBytewiseAsStdMapSortsThem() {
        var env = SandboxEnvironment.of(base().env("b", "1").env("B", "1").env("_", "1").env("é", "1").env("z", "1").build());
        List<String> keys = List.copyOf(env.keySet());
        assertEquals(List.of("B", "_", "b", "z", "é"), keys.stream().filter(k -> k.length() == 1).toList());
    }

    @Test void fixedOutputGetsOutputCheckedAndImpureVariables_othersDoNot() {
        var fixed = SandboxEnvironment.of(base().fixedOutput(true).impureEnv("http_proxy", "p").build());
        assertEquals("1", fixed.get("NIX_OUTPUT_CHECKED"));
        assertEquals("p", fixed.get("http_proxy"));
        var pure = SandboxEnvironment.of(base().impureEnv("http_proxy", "p").build());
        assertFalse(pure.containsKey("NIX_OUTPUT_CHECKED"));
        assertFalse(pure.containsKey("http_proxy"));
    }

    @Test void buildDirVariationMovesEveryBuildDirVariable() {
        var env = SandboxEnvironment.of(base().variation(Variation.NONE.withBuildDir("/tmp/x")).build());
        assertEquals("/tmp/x", env.get("TMPDIR"));
        assertEquals("/tmp/x", env.get("PWD"));
    }

    @Test void cpuCountVariationSetsNixBuildCoresToTheCpuCount() {
        var env = SandboxEnvironment.of(base().buildCores(8).variation(Variation.NONE.withCpuCount(1)).build());
        assertEquals("1", env.get("NIX_BUILD_CORES"));
    }

    @Test void cpuCountVariation_derivationStillOverridesNixBuildCores() {
        var env = SandboxEnvironment.of(base().buildCores(8).env("NIX_BUILD_CORES", "4")
                .variation(Variation.NONE.withCpuCount(1)).build());
        assertEquals("4", env.get("NIX_BUILD_CORES"));
    }

    @Test void idsVariationIsWrittenToPasswdAndGroup() {
        Variation v = Variation.NONE.withIds(30001, 30002).withBuildDir("/tmp/b");
        Map<String, String> etc = SandboxEnvironment.etcFiles(base().variation(v).build());
        assertEquals("root:x:0:0:Nix build user:/tmp/b:/noshell\nnixbld:x:30001:30002:Nix build user:/tmp/b:/noshell\n"
                + "nobody:x:65534:65534:Nobody:/:/noshell\n", etc.get("passwd"));
        assertEquals("root:x:0:\nnixbld:!:30002:\nnogroup:x:65534:\n", etc.get("group"));
    }

    @Test void etcFilesAreWhatNixWrites() {
        Map<String, String> etc = SandboxEnvironment.etcFiles(base().build());
        assertEquals(List.of("group", "hosts", "passwd"), List.copyOf(etc.keySet()));
        assertEquals("root:x:0:0:Nix build user:/build:/noshell\nnixbld:x:1000:100:Nix build user:/build:/noshell\n"
                + "nobody:x:65534:65534:Nobody:/:/noshell\n", etc.get("passwd"));
        assertEquals("root:x:0:\nnixbld:!:100:\nnogroup:x:65534:\n", etc.get("group"));
        assertEquals("127.0.0.1 localhost\n::1 localhost\n", etc.get("hosts"));
    }

    @Test void fixedOutputEtcHasNsswitchInsteadOfGeneratedHosts() {
        Map<String, String> etc = SandboxEnvironment.etcFiles(base().fixedOutput(true).build());
        assertEquals(List.of("group", "nsswitch.conf", "passwd"), List.copyOf(etc.keySet()));
        assertEquals("hosts: files dns\nservices: files\n", etc.get("nsswitch.conf"));
    }
}
