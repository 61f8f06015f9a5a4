package org.storelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up shortcut for {@code audit hash} prints exactly what the picocli command prints. */
class HashCommandFastPathTest {
    @TempDir Path tmp;

    private record Out(OptionalInt exit, String text) {}

    private static Out capture(java.util.function.Supplier<OptionalInt> run) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true));
            OptionalInt code = run.get();
            return new Out(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    private static Out picocli(String... args) {
        return capture(() -> {
            var cmd = Audit.commandLine();
            cmd.setErr(new PrintWriter(new StringWriter()));
            return OptionalInt.of(cmd.execute(args));
        });
    }

    @Test void fastPath_printsWhatPicocliPrints() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("d"));
        Path f = Files.writeString(dir.resolve("f"), "contents\n");
        String[][] cases = {
                {"hash", f.toString()},
                {"hash", "--flat", "--base32", f.toString()},
                {"hash", "-r", "--type", "sha512", "--sri", dir.toString()},
                {"hash", "--type", "md5", "--base64", f.toString(), f.toString()},
                {"hash", "-r", "--base16", dir.toString(), f.toString()},
        };
        for (String[] args : cases) {
            Out fast = capture(() -> HashCommand.fastPath(args));
            Out slow = picocli(args);
            assertEquals(slow.exit(), fast.exit(), String.join(" ", args));
            assertEquals(slow.text(), fast.text(), String.join(" ", args));
            assertTrue(fast.text().endsWith("\n"));
        }
    }

    @Test void fastPath_leavesHelpMistakesAndErrorsToPicocli() {
        Path f = tmp.resolve("absent");
        String[][] cases = {
                {"hash"}, {"hash", "--help"}, {"hash", "-x", f.toString()}, {"hash", f.toString()},
                {"hash", "--type"}, {"hash", "--type", "sha3", tmp.toString()}, {"hash", "--base16", "--sri", tmp.toString()},
                {"hash", "-r", "--flat", tmp.toString()}, {"hash", tmp.toString()}, {"nar", "ls", tmp.toString()},
        };
        for (String[] args : cases) {
            Out fast = capture(() -> HashCommand.fastPath(args));
            assertEquals(OptionalInt.empty(), fast.exit(), String.join(" ", args));
            assertEquals("", fast.text(), String.join(" ", args));
        }
    }
}
