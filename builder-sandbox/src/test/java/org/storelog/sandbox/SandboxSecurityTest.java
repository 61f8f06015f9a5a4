package org.storelog.sandbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.sandbox.TestBuilds.Run;

/**
 * What a builder must not be able to do. Each test runs busybox inside the sandbox and checks
 * both the builder's own report (its exit status and log) and the host afterwards.
 */
class SandboxSecurityTest {
    @TempDir Path tmp;

    @BeforeEach void tools() throws IOException { TestBuilds.requireTools(); }

    /** The runner under test; {@link SandboxSecurityAsBuildUserTest} runs the same checks as Nix's build user. */
    SandboxRunner runner() { return new SandboxRunner(); }

    Run run(SandboxRequest r) { return TestBuilds.run(runner(), r); }

    Run run(Path dir, String script) { return run(TestBuilds.request(dir, script).build()); }

    @Test void builderCannotReadEtcShadow() {
        Run r = run(tmp, "$b cat /etc/shadow");
        assertEquals(1, r.result().exitCode(), r.log());
        assertTrue(r.log().contains("can't open '/etc/shadow': No such file or directory"), r.log());
    }

    @Test void builderSeesOnlyGeneratedEtcFiles() {
        Run r = run(tmp, "$b ls /etc");
        assertEquals("group\nhosts\npasswd\n", r.log());
    }

    @Test void builderCannotReadHostStateDirectory() throws IOException {
        Path state = Files.createDirectories(tmp.resolve("state"));
        Files.writeString(state.resolve("secret"), "top-secret-value\n");
        Run r = run(tmp, "$b cat " + state.resolve("secret") + " || $b ls -a " + state + " || exit 3");
        assertEquals(3, r.result().exitCode());
        assertFalse(r.log().contains("top-secret-value"), r.log());
        assertTrue(r.log().contains("No such file or directory"), r.log());
    }

    @Test void builderCannotSeeStorePathsOutsideItsInputs() throws IOException {
        Path fakeHostPath = Files.createDirectories(tmp.resolve("not-an-input"));
        Files.writeString(fakeHostPath.resolve("f"), "x");
        Run r = run(TestBuilds.request(tmp, "$b ls -a " + TestBuilds.STORE)
                .input(TestBuilds.STORE + "/ffffffffffffffffffffffffffffffff-visible", fakeHostPath)
                .build());
        assertEquals(0, r.result().exitCode(), r.log());
        assertEquals(".\n..\n" + TestBuilds.BUSYBOX.substring(11) + "\nffffffffffffffffffffffffffffffff-visible\n", r.log());
        // The real /nix/store of this machine is not visible either.
        if (Files.isDirectory(Path.of("/nix/store"))) {
            try (var s = Files.list(Path.of("/nix/store"))) {
                for (Path p : s.limit(5).toList()) {
                    Run probe = run(tmp.resolve("p-" + p.getFileName()), "$b test -e " + p);
                    assertEquals(1, probe.result().exitCode(), p + " is visible: " + probe.log());
                }
            }
        }
    }

    @Test void builderCannotConnectToTcpServerOnHostLoopback() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(100);
            AtomicBoolean accepted = new AtomicBoolean();
            AtomicBoolean buildDone = new AtomicBoolean();
            CompletableFuture<Void> acceptor = CompletableFuture.runAsync(() -> {
                while (!buildDone.get()) {
                    try (Socket s = server.accept()) {
                        accepted.set(true);
                        return;
                    } catch (SocketTimeoutException e) {
                        // keep listening while the build runs
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            Run r = run(tmp, "echo hello | $b nc 127.0.0.1 " + server.getLocalPort() + " && exit 0; exit 7");
            buildDone.set(true);
            acceptor.join();
            assertEquals(7, r.result().exitCode(), r.log());
            assertFalse(accepted.get(), "the builder reached the host's server");
        }
    }

    @Test void fixedOutputBuilderMayReachTheNetwork() throws Exception {
        // Control for the test above: the same client does get through when the network is shared.
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(30_000);
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "accept failed: " + e;
                }
            });
            Run r = run(TestBuilds.request(tmp, "echo hello | $b nc 127.0.0.1 " + server.getLocalPort())
                    .fixedOutput(true).build());
            assertEquals(0, r.result().exitCode(), r.log());
            assertEquals("hello\n", received.join());
        }
    }

    @Test void builderSeesOnlyLoopbackInterface() {
        Run r = run(tmp, "$b tail -n +3 /proc/net/dev | $b cut -d: -f1 | $b tr -d ' '");
        assertEquals("lo\n", r.log());
    }

    @Test void builderSeesOnlyItsOwnProcesses() {
        Run r = run(tmp, "$b ls /proc | $b grep -E '^[0-9]+$' | $b sort -n | $b tr '\\n' ' '");
        // bwrap's init (1), the builder shell (2) and its pipeline; never the host's processes.
        for (String pid : r.log().trim().split(" ")) assertTrue(Integer.parseInt(pid) < 20, r.log());
        assertTrue(r.log().startsWith("1 2 "), r.log());
    }

    @Test void builderCannotModifyItsInputs() throws IOException {
        byte[] before = Files.readAllBytes(Path.of("/usr/bin/busybox"));
        Run r = run(tmp, String.join("\n",
                "echo x > " + TestBuilds.BUSYBOX + "/busybox && echo WROTE",
                "$b touch " + TestBuilds.BUSYBOX + "/new && echo CREATED",
                "$b rm -f " + TestBuilds.BUSYBOX + "/busybox && echo REMOVED",
                "$b chmod 777 " + TestBuilds.BUSYBOX + "/busybox && echo CHMODDED",
                "$b mount -o remount,rw " + TestBuilds.BUSYBOX + " && echo REMOUNTED",
                "exit 0"));
        assertEquals(0, r.result().exitCode(), r.log());
        for (String w : new String[] {"WROTE", "CREATED", "REMOVED", "CHMODDED", "REMOUNTED"})
            assertFalse(r.log().contains(w), r.log());
        Path host = TestBuilds.busyboxInput(tmp);
        assertArrayEquals(before, Files.readAllBytes(host.resolve("busybox")));
        try (var s = Files.list(host)) {
            assertEquals(1, s.count());
        }
    }

    @Test void builderCannotWriteOutsideOutputsBuildDirAndTmp() {
        Run r = run(tmp, String.join("\n",
                "$b touch /rootfile && echo ROOT",
                "$b touch /etc/x && echo ETC",
                "$b touch /proc/x && echo PROC",
                "$b touch /build/ok /tmp/ok $NIX_STORE/some-other-path && echo WRITABLE",
                "exit 0"));
        assertEquals("WRITABLE", r.log().strip().lines().reduce((a, b) -> b).orElse(""), r.log());
        assertFalse(r.log().contains("ROOT\n") || r.log().contains("ETC\n") || r.log().contains("PROC\n"), r.log());
    }

    @Test void builderHasNoCapabilities() {
        Run r = run(tmp, "$b grep -E '^Cap(Inh|Prm|Eff|Amb)' /proc/self/status");
        assertEquals(0, r.result().exitCode(), r.log());
        r.log().lines().forEach(l -> assertTrue(l.endsWith("0000000000000000"), l));
    }

    @Test void backgroundProcessLeftRunningIsKilledWithTheSandbox() throws Exception {
        String token = "98765" + ProcessHandle.current().pid();
        Path marker = tmp.resolve("build/marker");
        Run r = run(tmp, "($b sleep 1; $b touch /build/marker; $b sleep " + token + ") &\necho started");
        assertEquals(0, r.result().exitCode(), r.log());
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").contains(token)),
                "a builder process survived the sandbox");
        Thread.sleep(2000); // give a surviving process the chance to write its marker
        assertFalse(Files.exists(marker), "a background process kept running after the build");
    }

    @Test void backgroundProcessTheBuilderWaitsFor_writesItsMarker() throws Exception {
        // Control for the test above: the same marker appears when the builder waits for it.
        Run r = run(tmp, "($b sleep 1; $b touch /build/marker) &\nwait");
        assertEquals(0, r.result().exitCode(), r.log());
        assertTrue(Files.exists(tmp.resolve("build/marker")));
    }

    @Test void timeoutKillsSleepingBuilder() {
        Run r = run(TestBuilds.request(tmp, "echo going to sleep; $b sleep 600")
                .limits(new Limits(Duration.ofSeconds(1), Duration.ZERO)).build());
        assertTrue(r.result().timedOut());
        assertFalse(r.result().succeeded());
        assertEquals(SandboxResult.SIGKILL, r.result().signal().orElseThrow());
        assertTrue(r.log().contains("going to sleep"));
    }

    @Test void maxSilentTimeKillsQuietBuilder() {
        Run r = run(TestBuilds.request(tmp, "echo one line; $b sleep 600")
                .limits(new Limits(Duration.ZERO, Duration.ofSeconds(1))).build());
        assertTrue(r.result().silenceExceeded());
        assertFalse(r.result().timedOut());
        assertEquals(SandboxResult.SIGKILL, r.result().signal().orElseThrow());
    }

    @Test void killedBuilderLeavesNoProcessBehind() {
        String token = "87654" + ProcessHandle.current().pid();
        Run r = run(TestBuilds.request(tmp, "$b sleep " + token + " & $b sleep " + token)
                .limits(new Limits(Duration.ofSeconds(1), Duration.ZERO)).build());
        assertTrue(r.result().timedOut());
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").contains(token)),
                "a builder process survived the timeout");
    }
}
