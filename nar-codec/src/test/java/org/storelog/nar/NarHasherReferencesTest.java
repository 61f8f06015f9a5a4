package org.storelog.nar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.testsupport.ExternalTools;

/**
 * NAR hash, size and references in one pass, against what Nix recorded for an output it built:
 * references placed across our read-chunk boundaries (1 MiB and 4 MiB into a file), inside a
 * read-ahead small file and in a symlink target.
 */
class NarHasherReferencesTest {
    @TempDir Path tmp;

    private static final String EXPR = """
            let busybox = builtins.path { path = /usr/bin; name = "busybox-static";
                                          filter = p: t: p == "/usr/bin/busybox"; };
            in derivation {
              name = "storelog-refscan-probe";
              system = builtins.currentSystem;
              builder = "${busybox}/busybox";
              args = [ "sh" "-ec" ''
                bb=${busybox}/busybox
                $bb mkdir $out
                { $bb head -c 1048555 /dev/zero; echo -n ${busybox}; $bb head -c 1000 /dev/zero; } > $out/big1
                { $bb head -c 4194283 /dev/zero; echo -n $out; $bb head -c 100 /dev/zero; } > $out/big2
                echo "text ${busybox}/busybox" > $out/small
                $bb ln -s ${busybox}/busybox $out/link
              '' ];
            }
            """;

    @Test void hashSizeAndReferencesEqualWhatNixRecorded() throws Exception {
        NixCli.require();
        ExternalTools.require("nix-build");
        ExternalTools.require("/usr/bin/busybox");
        Path expr = tmp.resolve("probe.nix");
        Files.writeString(expr, EXPR);
        String out = ExternalTools.run(List.of("nix-build", "--option", "sandbox", "true", "--no-out-link",
                expr.toString()), null, Map.of(), null).ok().out().trim();
        Set<String> recorded = Arrays.stream(NixCli.query("--references", out).split("\n"))
                .map(NarHasherReferencesTest::hashPart).collect(Collectors.toSet());

        Set<String> candidates = new java.util.HashSet<>(recorded);
        candidates.add(hashPart(out));
        candidates.add("q1pgl82n7yz0dhxlxk8nn0wqkqz3q3l6"); // a hash part that does not occur
        NarDigest d = NarHasher.hashTree(Path.of(out), candidates);

        assertEquals(recorded, d.foundHashParts());
        assertEquals(NixCli.query("--hash", out), d.narHash().toPrefixedNix32());
        assertEquals(Long.parseLong(NixCli.query("--size", out)), d.narSize());

        // the same through the JDK digest and java.nio reads (a tree the caller says is small)
        NarDigest jdk = NarHasher.hashTree(Path.of(out), candidates, 0);
        assertEquals(recorded, jdk.foundHashParts());
        assertEquals(d.narHash(), jdk.narHash());
        assertEquals(d.narSize(), jdk.narSize());
    }

    private static String hashPart(String storePath) {
        return Path.of(storePath).getFileName().toString().substring(0, 32);
    }
}
