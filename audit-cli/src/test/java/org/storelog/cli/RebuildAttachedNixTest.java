package org.storelog.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.app.Store;
import org.storelog.app.audit.RebuildChecker;
import org.storelog.sandbox.BwrapCommand;
import org.storelog.sandbox.SandboxRunner;
import org.storelog.sandbox.Variation;
import org.storelog.testsupport.ExternalTools;

/**
 * {@code audit rebuild --check} on a store attached to a Nix store never writes that store: after
 * checking derivations Nix built (one of them non-deterministic, so the recorded output is read to
 * list the differing files), every file of the Nix store keeps its inode, mtime, ctime and mode, every
 * output its NAR hash, and the store directory its mtime and entry count; and in every bubblewrap
 * command line the rebuild ran, each mount of a Nix store path is read-only, the only writable mounts
 * being the scratch directories of the build. {@code audit build} is still refused there.
 */
class RebuildAttachedNixTest {
    static final List<String> ATTRS = List.of("tree", "runtimeRef", "multi", "selfRef", "urandom");

    @TempDir Path tmp;

    @Test
    void rebuildCheck_onAnAttachedStore_neverWritesTheNixStore_andMountsItReadOnly() throws Exception {
        ExternalTools.require("nix-build");
        ExternalTools.require("nix-instantiate");
        String realBwrap = ExternalTools.require("bwrap");
        ExternalTools.require("/usr/bin/busybox");
        NixCorpus nix = new NixCorpus(tmp);
        Map<String, String> drvs = nix.instantiate(ATTRS);
        var built = nix.nixBuild(List.of(), new ArrayList<>(drvs.values()));
        assertEquals(0, built.exit(), built.stderr());
        List<String> outputs = new ArrayList<>();
        for (String d : drvs.values()) outputs.addAll(nix.outputs(d));
        Map<String, String> narHashes = new TreeMap<>();
        for (String o : outputs) narHashes.put(o, nix.narHash(o));

        Path state = tmp.resolve("state");
        CliRunner audit = new CliRunner(state);
        CliRunner.Result init = audit.run("init", "--attach-nix=" + nix.root());
        assertEquals(0, init.exit(), init.err());
        Path nixStore = nix.root().resolve("nix/store");
        Map<String, String> before = snapshot(nixStore);
        long storeMtime = Files.getLastModifiedTime(nixStore).toMillis();
        long entries = count(nixStore);

        // Building (which registers outputs) is still refused, saying why.
        CliRunner.Result build = audit.run("build", drvs.get("tree"));
        assertEquals(1, build.exit(), build.out() + build.err());
        assertTrue(build.err().contains("attached to Nix") && build.err().contains("never written"), build.err());

        // Through the command, as a user runs it.
        CliRunner.Result r = audit.run(concat(List.of("rebuild", "--check"), drvs.values()));
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("urandom.drv: diverged"), r.out());
        assertTrue(r.out().contains("differs: /noise: content differs"), r.out());
        assertTrue(r.out().contains("tree.drv: reproducible"), r.out());

        // Through the library with a bwrap that records its command line before running.
        Path argvDir = Files.createDirectories(tmp.resolve("argv"));
        Path wrapper = tmp.resolve("bwrap-recorder");
        Files.writeString(wrapper, "#!/bin/sh\nf=$(mktemp " + argvDir + "/argv.XXXXXX)\n"
                + "for a in \"$@\"; do printf '%s\\0' \"$a\" >> \"$f\"; done\nexec " + realBwrap + " \"$@\"\n");
        Files.setAttribute(wrapper, "unix:mode", 0755);
        List<RebuildChecker.Result> results;
        try (Store store = Store.open(state, true)) {
            var runner = new SandboxRunner(new BwrapCommand.Tools("/bin/sh", "setpriv", "taskset", wrapper.toString()));
            results = new RebuildChecker(store, runner, new PrintStream(OutputStream.nullOutputStream()))
                    .check(new ArrayList<>(drvs.values()), new RebuildChecker.Options(1, false, Variation.NONE, null));
        }
        assertEquals(ATTRS.size(), results.size());
        assertEquals("diverged", results.get(ATTRS.indexOf("urandom")).verdict().word());
        assertEquals("reproducible", results.get(ATTRS.indexOf("multi")).verdict().word());

        List<List<String>> commands = new ArrayList<>();
        try (Stream<Path> s = Files.list(argvDir)) {
            for (Path f : s.sorted().toList()) {
                String all = Files.readString(f, StandardCharsets.UTF_8);
                commands.add(List.of(all.substring(0, all.length() - 1).split("\0", -1)));
            }
        }
        assertEquals(ATTRS.size(), commands.size(), "one sandbox per derivation");
        Path builds = state.resolve("builds").toAbsolutePath();
        for (List<String> argv : commands) {
            List<Mount> mounts = mounts(argv);
            int inputs = 0;
            for (Mount m : mounts) {
                boolean fromNixStore = Path.of(m.source()).normalize().startsWith(nixStore);
                boolean ontoStore = m.target().equals("/nix/store") || m.target().startsWith("/nix/store/");
                if (fromNixStore) {
                    assertEquals("--ro-bind", m.option(), "a Nix store path mounted writable: " + m);
                    assertEquals(m.target(), "/" + nix.root().relativize(Path.of(m.source())), m.toString());
                    inputs++;
                } else if (m.writable() && m.source().startsWith("/dev/") && m.source().equals(m.target())) {
                    assertFalse(ontoStore, m.toString()); // a device node such as /dev/kvm
                } else if (m.writable()) {
                    assertTrue(Path.of(m.source()).startsWith(builds),
                            "a writable mount outside the build's scratch directories: " + m);
                    if (ontoStore) assertEquals("/nix/store", m.target(), m.toString());
                } else if (ontoStore) {
                    fail("a store path mounted from outside the Nix store: " + m);
                }
            }
            assertTrue(inputs >= 1, "the busybox input is bound from the Nix store: " + argv);
        }

        assertEquals(before, snapshot(nixStore), "files of the Nix store changed");
        assertEquals(storeMtime, Files.getLastModifiedTime(nixStore).toMillis());
        assertEquals(entries, count(nixStore));
        for (var e : narHashes.entrySet())
            assertEquals(e.getValue(), "sha256:" + NixCorpus.ok("nix-hash", "--type", "sha256", "--base32",
                    nix.physical(e.getKey()).toString()), e.getKey());
        try (Stream<Path> s = Files.list(builds)) {
            assertEquals(0, s.count(), "scratch directories are removed");
        }
    }

    record Mount(String option, String source, String target) {
        boolean writable() { return !option.startsWith("--ro-"); }
    }

    /** The mounts of a bubblewrap command line; fails on an option this parser does not know. */
    static List<Mount> mounts(List<String> argv) {
        Map<String, Integer> arity = Map.ofEntries(Map.entry("--unshare-all", 0), Map.entry("--share-net", 0),
                Map.entry("--die-with-parent", 0), Map.entry("--new-session", 0), Map.entry("--clearenv", 0),
                Map.entry("--uid", 1), Map.entry("--gid", 1), Map.entry("--hostname", 1), Map.entry("--perms", 1),
                Map.entry("--dir", 1), Map.entry("--dev", 1), Map.entry("--tmpfs", 1), Map.entry("--proc", 1),
                Map.entry("--chdir", 1), Map.entry("--remount-ro", 1), Map.entry("--setenv", 2),
                Map.entry("--symlink", 2), Map.entry("--chmod", 2), Map.entry("--bind", 2), Map.entry("--ro-bind", 2),
                Map.entry("--dev-bind", 2), Map.entry("--dev-bind-try", 2), Map.entry("--bind-try", 2),
                Map.entry("--ro-bind-try", 2));
        List<Mount> out = new ArrayList<>();
        for (int i = 0; i < argv.size(); ) {
            String a = argv.get(i);
            if (a.equals("--")) return out;
            Integer n = arity.get(a);
            assertNotNull(n, "unexpected bwrap argument " + a + " in " + argv);
            if (a.contains("bind")) out.add(new Mount(a, argv.get(i + 1), argv.get(i + 2)));
            i += 1 + n;
        }
        throw new AssertionError("no -- in " + argv);
    }

    /** Every file below {@code dir}: inode, mode, mtime and ctime (ctime changes with any write or chmod). */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                var a = Files.readAttributes(p, "unix:ino,mode,lastModifiedTime,ctime,size", LinkOption.NOFOLLOW_LINKS);
                m.put(dir.relativize(p).toString(), a.get("ino") + " " + Integer.toOctalString((Integer) a.get("mode")) + " "
                        + a.get("lastModifiedTime") + " " + a.get("ctime") + " " + a.get("size"));
            }
        }
        return m;
    }

    static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    static String[] concat(List<String> a, java.util.Collection<String> b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(b);
        return l.toArray(String[]::new);
    }
}
