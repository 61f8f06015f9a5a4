package org.storelog.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.sandbox.TestBuilds.Run;

/** Running builds: results, logs, host layout afterwards, and each {@link Variation}. */
class SandboxRunnerTest {
    @TempDir Path tmp;

    @BeforeEach void tools() { TestBuilds.requireTools(); }

    @Test void outputsCreatedAtTheirLogicalPathLandInTheHostScratchStore() throws IOException {
        SandboxRequest r = TestBuilds.request(tmp, "$b mkdir $out\necho hello > $out/greeting").build();
        Run run = TestBuilds.run(r);
        assertTrue(run.result().succeeded(), run.log());
        assertEquals("hello\n", Files.readString(r.hostOutputPath(TestBuilds.OUT).resolve("greeting")));
    }

    @Test void inputMountStubsAndGeneratedEtcAreRemovedAfterwards() throws IOException {
        SandboxRequest r = TestBuilds.request(tmp, "echo > $out").build();
        TestBuilds.run(r);
        try (var s = Files.list(r.scratchDir())) {
            assertEquals(java.util.List.of(r.hostStoreDir()), s.toList());
        }
        try (var s = Files.list(r.hostStoreDir())) {
            assertEquals(java.util.List.of(r.hostOutputPath(TestBuilds.OUT)), s.toList());
        }
    }

    @Test void sharedEtc_isWrittenOncePerContent_looksAsAPerBuildOne_andAStaleCopyIsReplaced() throws IOException {
        String dump = "for f in /etc/*; do echo \"$f $($b stat -c %a $f)\"; $b cat $f; done > $out; $b stat -c %a /etc >> $out";
        SandboxRequest own = TestBuilds.request(tmp.resolve("a"), dump).build();
        Run expected = TestBuilds.run(own);
        assertTrue(expected.result().succeeded(), expected.log());

        Path cache = tmp.resolve("etc-cache");
        SandboxRunner runner = new SandboxRunner().withEtcCache(cache);
        SandboxRequest first = TestBuilds.request(tmp.resolve("b"), dump).build();
        SandboxRequest second = TestBuilds.request(tmp.resolve("c"), dump).build();
        assertTrue(TestBuilds.run(runner, first).result().succeeded());
        assertTrue(TestBuilds.run(runner, second).result().succeeded());
        String want = Files.readString(own.hostOutputPath(TestBuilds.OUT));
        assertEquals(want, Files.readString(first.hostOutputPath(TestBuilds.OUT)));
        assertEquals(want, Files.readString(second.hostOutputPath(TestBuilds.OUT)));
        try (var s = Files.list(cache)) {
            assertEquals(1, s.count(), "one shared /etc for one content");
        }
        assertFalse(Files.exists(first.hostEtcDir()));

        Path shared;
        try (var s = Files.list(cache)) {
            shared = s.findFirst().orElseThrow();
        }
        Files.setAttribute(shared.resolve("passwd"), "unix:mode", 0666);
        Files.writeString(shared.resolve("passwd"), "root::0:0::/:/bin/sh\n");
        SandboxRequest third = TestBuilds.request(tmp.resolve("d"), dump).build();
        assertTrue(TestBuilds.run(new SandboxRunner().withEtcCache(cache), third).result().succeeded());
        assertEquals(want, Files.readString(third.hostOutputPath(TestBuilds.OUT)), "a tampered copy is not used");
    }

    @Test void fileInputIsVisibleReadOnlyAndItsStubIsRemoved() throws IOException {
        Path src = Files.writeString(tmp.resolve("source.txt"), "file input\n");
        String logical = TestBuilds.STORE + "/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-source.txt";
        SandboxRequest r = TestBuilds.request(tmp, "$b cat " + logical + " > $out; echo x >> " + logical + " || true")
                .input(logical, src).build();
        Run run = TestBuilds.run(r);
        assertTrue(run.result().succeeded(), run.log());
        assertEquals("file input\n", Files.readString(r.hostOutputPath(TestBuilds.OUT)));
        assertEquals("file input\n", Files.readString(src));
        assertFalse(Files.exists(r.hostStoreDir().resolve("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-source.txt")));
    }

    @Test void buildUser_ownsOutputsAndSeesRootsFilesAsNobody() throws IOException {
        var user = TestBuilds.nixBuildUser();
        org.junit.jupiter.api.Assumptions.assumeTrue(user.isPresent(), "needs root and Nix's nixbld1 account");
        Files.setAttribute(tmp, "unix:mode", 0755);
        SandboxRequest r = TestBuilds.request(tmp, "$b id -u > $out; $b stat -c %u " + TestBuilds.BUSYBOX + "/busybox >> $out").build();
        Run run = TestBuilds.run(new SandboxRunner(BwrapCommand.Tools.DEFAULT, user), r);
        assertTrue(run.result().succeeded(), run.log());
        Path out = r.hostOutputPath(TestBuilds.OUT);
        assertEquals("1000\n65534\n", Files.readString(out));
        assertEquals(user.get().uid(), Files.getAttribute(out, "unix:uid"));
        OutputCanonicalizer.canonicalize(out);
        assertEquals(0, Files.getAttribute(out, "unix:uid"));
    }

    @Test void symlinkInputStaysASymlinkAndItsStubIsRemoved() throws IOException {
        String logical = TestBuilds.STORE + "/cccccccccccccccccccccccccccccccc-link";
        Path host = Files.createSymbolicLink(tmp.resolve("link-input"), Path.of(TestBuilds.BUSYBOX.substring(11) + "/busybox"));
        SandboxRequest r = TestBuilds.request(tmp, "$b readlink " + logical + " > $out; $b test -x " + logical)
                .input(logical, host).build();
        Run run = TestBuilds.run(r);
        assertTrue(run.result().succeeded(), run.log());
        assertEquals(TestBuilds.BUSYBOX.substring(11) + "/busybox\n", Files.readString(r.hostOutputPath(TestBuilds.OUT)));
        assertFalse(Files.exists(r.hostStoreDir().resolve("cccccccccccccccccccccccccccccccc-link"),
                java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test void builderExitStatusIsReported() {
        Run run = TestBuilds.run(tmp, "exit 42");
        assertEquals(42, run.result().exitCode());
        assertTrue(run.result().signal().isEmpty());
        assertFalse(run.result().succeeded());
    }

    @Test void builderKilledBySignal_reportsTheSignal() {
        Run run = TestBuilds.run(tmp, "$b kill -TERM $$");
        assertEquals(128 + 15, run.result().exitCode());
        assertEquals(15, run.result().signal().orElseThrow());
    }

    @Test void stdoutAndStderrGoToTheLogInOrder() {
        Run run = TestBuilds.run(tmp, "echo one\necho two >&2\necho three");
        assertEquals("one\ntwo\nthree\n", run.log());
    }

    @Test void existingOutputIsRefused() throws IOException {
        SandboxRequest r = TestBuilds.request(tmp, "true").build();
        Files.createDirectories(r.hostOutputPath(TestBuilds.OUT));
        SandboxException e = assertThrows(SandboxException.class, () -> new SandboxRunner().run(r, new ByteArrayOutputStream()));
        assertEquals(SandboxException.Reason.INVALID_REQUEST, e.reason());
    }

    @Test void missingInputFilesAreRefused() {
        SandboxRequest r = TestBuilds.request(tmp, "true").input("/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-gone",
                tmp.resolve("does-not-exist")).build();
        SandboxException e = assertThrows(SandboxException.class, () -> new SandboxRunner().run(r, new ByteArrayOutputStream()));
        assertEquals(SandboxException.Reason.INVALID_REQUEST, e.reason());
        assertTrue(e.getMessage().contains("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-gone"), e.getMessage());
    }

    @Test void bwrapSetupFailure_isReportedAsSetupFailed() {
        SandboxRequest r = TestBuilds.request(tmp, "true").variation(Variation.NONE.withBuildDir("/proc/cannot-create")
                .withBuildDirOnTmpfs(true)).build();
        SandboxException e = assertThrows(SandboxException.class, () -> new SandboxRunner().run(r, new ByteArrayOutputStream()));
        assertEquals(SandboxException.Reason.SETUP_FAILED, e.reason());
        assertTrue(e.getMessage().contains("bwrap: "), e.getMessage());
    }

    @Test void missingBwrap_saysWhatToInstall() {
        SandboxRunner runner = new SandboxRunner(new BwrapCommand.Tools("/bin/sh", "setpriv", "taskset", "/nonexistent/bwrap"));
        SandboxException e = assertThrows(SandboxException.class, runner::checkAvailable);
        assertEquals(SandboxException.Reason.BWRAP_MISSING, e.reason());
        assertTrue(e.getMessage().contains("apt-get install bubblewrap"), e.getMessage());
    }

    @Test void variationNone_runsAsNixBuildUserInBuildWithUmask022() {
        Run run = TestBuilds.run(tmp, "$b id; $b hostname; $b pwd; umask");
        assertEquals("uid=1000(nixbld) gid=100(nixbld)\nlocalhost\n/build\n0022\n", run.log());
    }

    @Test void variation_changesHostnameIdsBuildDirAndUmask() {
        Variation v = Variation.NONE.withHostname("builder2").withIds(30001, 30000).withBuildDir("/tmp/nix-build-x-0")
                .withUmask(0002);
        Run run = TestBuilds.run(TestBuilds.request(tmp, "$b id; $b hostname; $b pwd; umask; echo $TMPDIR; $b grep nixbld /etc/passwd")
                .variation(v).build());
        assertEquals("uid=30001(nixbld) gid=30000(nixbld)\nbuilder2\n/tmp/nix-build-x-0\n0002\n/tmp/nix-build-x-0\n"
                + "nixbld:x:30001:30000:Nix build user:/tmp/nix-build-x-0:/noshell\n", run.log());
    }

    @Test void variationCpuCount_limitsVisibleCpus() {
        Run run = TestBuilds.run(TestBuilds.request(tmp, "$b nproc").variation(Variation.NONE.withCpuCount(1)).build());
        assertEquals("1\n", run.log());
    }

    @Test void variationCpuCount_alsoSetsNixBuildCores() {
        Run run = TestBuilds.run(TestBuilds.request(tmp, "$b nproc; echo $NIX_BUILD_CORES").buildCores(2)
                .variation(Variation.NONE.withCpuCount(1)).build());
        assertEquals("1\n1\n", run.log());
    }

    @Test void variationNone_leavesAffinityAndNixBuildCoresAlone() {
        int cpus = Runtime.getRuntime().availableProcessors();
        Run run = TestBuilds.run(TestBuilds.request(tmp, "$b nproc; echo $NIX_BUILD_CORES").buildCores(cpus).build());
        assertEquals(cpus + "\n" + cpus + "\n", run.log());
    }

    @Test void everyVariationAtOnce_isAppliedInOneSandbox() {
        Variation v = Variation.NONE.withBuildDir("/tmp/nix-build-all-1").withHostname("rebuild-1").withIds(30001, 30001)
                .withCpuCount(1).withUmask(0077).withBuildDirOnTmpfs(true);
        Run run = TestBuilds.run(TestBuilds.request(tmp, "$b id -u; $b id -g; $b hostname; $b pwd; $b nproc; umask; "
                + "$b stat -f -c %T .").buildCores(2).variation(v).build());
        assertEquals("30001\n30001\nrebuild-1\n/tmp/nix-build-all-1\n1\n0077\ntmpfs\n", run.log());
    }

    @Test void variationTmpfsBuildDir_mountsATmpfsAndLeavesHostBuildDirAlone() {
        Run run = TestBuilds.run(TestBuilds.request(tmp, "$b stat -f -c %T /build; $b touch /build/x")
                .variation(Variation.NONE.withBuildDirOnTmpfs(true)).build());
        assertEquals("tmpfs\n", run.log());
        assertFalse(Files.exists(tmp.resolve("build/x")));
    }

    @Test void hostBuildDir_keepsWhatTheBuilderLeftThere() {
        TestBuilds.run(tmp, "echo kept > /build/left-over");
        assertTrue(Files.exists(tmp.resolve("build/left-over")));
    }
}
