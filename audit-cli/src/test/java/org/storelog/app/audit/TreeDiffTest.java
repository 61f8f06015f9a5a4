package org.storelog.app.audit;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeDiffTest {
    @TempDir Path tmp;

    @Test
    void namesAddedRemovedContentExecutableAndSymlinkTargetDifferences() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a")), b = Files.createDirectories(tmp.resolve("b"));
        for (Path r : List.of(a, b)) {
            Files.createDirectories(r.resolve("sub"));
            Files.writeString(r.resolve("sub/same"), "same");
        }
        Files.writeString(a.resolve("gone"), "x");
        Files.writeString(b.resolve("new"), "y");
        Files.writeString(a.resolve("text"), "abc");
        Files.writeString(b.resolve("text"), "abd");
        Files.writeString(a.resolve("tool"), "t");
        Files.writeString(b.resolve("tool"), "t");
        Files.setPosixFilePermissions(b.resolve("tool"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(a.resolve("link"), Path.of("one"));
        Files.createSymbolicLink(b.resolve("link"), Path.of("two"));

        assertEquals(List.of("/gone: removed", "/link: symlink target differs (one → two)", "/new: added",
                "/text: content differs", "/tool: executable bit differs (-x → +x)"), TreeDiff.between(a, b));
    }

    @Test
    void singleFileOutputs_differAtTheRoot_andIdenticalTreesHaveNoDifference() throws Exception {
        Path a = Files.writeString(tmp.resolve("a"), "1"), b = Files.writeString(tmp.resolve("b"), "2");
        assertEquals(List.of("/: content differs"), TreeDiff.between(a, b));
        assertEquals(List.of(), TreeDiff.between(a, a));
    }
}
