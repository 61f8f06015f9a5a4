package org.storelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands whose picocli model is built in code (root, query, build, rebuild, history): usage, errors and
 * options behave as the annotated models did.
 */
class InCodeCommandsTest {
    @TempDir Path tmp;

    @Test void rootHelp_listsEveryRegisteredCommand_inRegistryOrder() {
        CliRunner.Result r = CliRunner.runRaw("--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("Usage: audit [-hV] [--state=DIR] [COMMAND]\n"), r.out());
        List<String> names = Audit.commandLine().getSubcommands().keySet().stream().toList();
        assertEquals(List.of("init", "import", "query", "history", "replay", "drv", "key", "narinfo", "hash", "nar",
                "roots", "gc", "add", "build", "build-log", "log", "rebuild"), names);
        int at = -1;
        for (String n : names) {
            int i = r.out().indexOf("\n  " + n + " ");
            assertTrue(i > at, n + " listed after the one before it:\n" + r.out());
            at = i;
        }
    }

    @Test void rootUsage_withTheListingOnly_isTheUsageOfTheFullModels() {
        // 'audit --help' and 'audit' list the commands from names and descriptions alone; the text must be
        // what the full models print, and a command line naming no command still has every name.
        for (String[] args : List.of(new String[] {"--help"}, new String[] {}, new String[] {"--state", "/x", "-h"})) {
            var light = Audit.commandLine(args);
            assertEquals(Audit.commandLine().getUsageMessage(), light.getUsageMessage(), String.join(" ", args));
            assertEquals(Audit.commandLine().getSubcommands().keySet(), light.getSubcommands().keySet());
        }
        assertTrue(Audit.commandLine(new String[] {"--version"}).getSubcommands().isEmpty());
    }

    @Test void version_isPrinted() {
        CliRunner.Result r = CliRunner.runRaw("--version");
        assertEquals(0, r.exit());
        assertEquals("storelog 0.1.0\n", r.out());
    }

    @Test void queryHelp_showsParametersAndOptions_andTheInheritedState() {
        CliRunner.Result r = CliRunner.runRaw("query", "--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("Usage: audit query [-hV] [--json] [--as-of=SEQ|TIME] [--state=DIR] KIND PATH...\n"),
                r.out());
        for (String s : List.of("--as-of=SEQ|TIME", "--json", "--state=DIR", "-h, --help", "-V, --version", "referrers-closure"))
            assertTrue(r.out().contains(s), s + " in\n" + r.out());
    }

    @Test void missingParametersAndOptions_areUsageErrors_namingWhatIsMissing() {
        CliRunner.Result q = CliRunner.runRaw("query");
        assertEquals(ExitCodes.USAGE, q.exit());
        assertTrue(q.err().contains("Missing required parameters: 'KIND', 'PATH'"), q.err());
        assertTrue(q.err().contains("Try 'audit query --help'."), q.err());
        CliRunner.Result b = CliRunner.runRaw("build");
        assertEquals(ExitCodes.USAGE, b.exit());
        assertTrue(b.err().contains("Missing required parameter: 'DRV'"), b.err());
        CliRunner.Result rb = CliRunner.runRaw("rebuild", "/nix/store/00000000000000000000000000000000-x");
        assertEquals(ExitCodes.USAGE, rb.exit());
        assertTrue(rb.err().contains("Missing required option: '--check'"), rb.err());
        CliRunner.Result bad = CliRunner.runRaw("build", "--jobs", "two", "x.drv");
        assertEquals(ExitCodes.USAGE, bad.exit());
        assertTrue(bad.err().contains("--jobs"), bad.err());
    }

    @Test void optionValues_reachTheCommand() {
        // each value below is checked by the command itself, so its message proves the option was bound
        Path state = tmp.resolve("s");
        assertEquals(0, CliRunner.runRaw("--state", state.toString(), "init").exit());
        CliRunner.Result jobs = CliRunner.runRaw("build", "--state", state.toString(), "-j", "0", "x.drv");
        assertEquals(ExitCodes.USAGE, jobs.exit());
        assertTrue(jobs.err().contains("--jobs must be at least 1"), jobs.err());
        CliRunner.Result timeout = CliRunner.runRaw("build", "--timeout", "-1", "x.drv");
        assertTrue(timeout.err().contains("must not be negative"), timeout.err());
        CliRunner.Result vary = CliRunner.runRaw("rebuild", "--check", "--vary", "standard", "--rounds", "1", "x");
        assertEquals(ExitCodes.USAGE, vary.exit());
        assertTrue(vary.err().contains("--vary standard changes rounds 2 and later"), vary.err());
        CliRunner.Result diff = CliRunner.runRaw("rebuild", "--check", "--diff", "pictures", "x");
        assertEquals(ExitCodes.USAGE, diff.exit());
        CliRunner.Result kind = CliRunner.runRaw("query", "--state", state.toString(), "sizes", "x");
        assertEquals(ExitCodes.USAGE, kind.exit());
        assertTrue(kind.err().contains("unknown query 'sizes'"), kind.err());
        // --state after the subcommand (inherited): the store is found there; --json reaches the command
        CliRunner.Result valid = CliRunner.runRaw("query", "valid", "--json", "--state", state.toString(),
                "/nix/store/00000000000000000000000000000000-x");
        assertEquals(ExitCodes.FAILURE, valid.exit(), valid.err());
        assertTrue(valid.out().contains("\"invalid\""), valid.out());
    }
}
