package org.storelog.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.app.Store;
import org.storelog.app.importer.SyntheticDump;
import org.storelog.log.EventLog;
import org.storelog.log.EventLogs;

/**
 * Malformed store databases and dump-db texts are refused with exit 64 and an error naming the file
 * and the place (the line, for dump-db; the table row, for databases), and the log stays byte for
 * byte as it was. The store already holds one import, so "untouched" is tested on a non-empty log.
 */
class MalformedImportTest {
    @TempDir Path tmp;
    CliRunner cli;
    List<String> good;

    @BeforeEach
    void storeWithOneImport() throws IOException {
        cli = new CliRunner(tmp.resolve("state"));
        assertEquals(0, cli.run("init", "--store-dir", "/nix/store").exit());
        Path first = Files.writeString(tmp.resolve("first.dump"), SyntheticDump.text(50, 3));
        assertEquals(0, cli.run("import", "--dump-db", first.toString()).exit());
        good = new ArrayList<>(Arrays.asList(SyntheticDump.text(6, 4).split("\n")));
    }

    // ------------------------------------------------------------------ dump-db text

    @Test
    void dumpDb_truncated_namesTheLineAfterTheEnd() throws IOException {
        List<String> cut = good.subList(0, good.size() - 1); // the last reference line is missing
        assertRefused(dump(cut), "bad.dump:" + good.size() + ": unexpected end of input");
    }

    @Test
    void dumpDb_badNumber_namesItsLine() throws IOException {
        List<String> l = new ArrayList<>(good);
        l.set(2, "12x4");
        assertRefused(dump(l), "bad.dump:3: NAR size is not a number");
    }

    @Test
    void dumpDb_badReferenceCount_namesItsLine() throws IOException {
        List<String> l = new ArrayList<>(good);
        l.set(4, "-1");
        assertRefused(dump(l), "bad.dump:5: reference count is negative");
    }

    @Test
    void dumpDb_badHash_namesItsLine() throws IOException {
        List<String> l = new ArrayList<>(good);
        l.set(1, "zz" + l.get(1).substring(2));
        assertRefused(dump(l), "bad.dump:2: bad NAR hash");
    }

    @Test
    void dumpDb_badPath_namesItsLine() throws IOException {
        List<String> l = new ArrayList<>(good);
        l.set(0, "/tmp/not-a-store-path");
        assertRefused(dump(l), "bad.dump:1: store path '/tmp/not-a-store-path' is not a valid store path");
    }

    @Test
    void dumpDb_duplicatePath_namesTheSecondOccurrence() throws IOException {
        List<String> l = new ArrayList<>(good);
        int second = l.size();
        l.addAll(good.subList(0, 5)); // path 0 again, with no references
        assertRefused(dump(l), "bad.dump:" + (second + 1) + ": path " + good.get(0) + " appears twice");
    }

    // ------------------------------------------------------------------ store databases

    @Test
    void nixDb_notSqlite() throws IOException {
        Path f = Files.writeString(tmp.resolve("db.sqlite"), "this is not a database\n".repeat(100));
        assertRefused(f, "db.sqlite: not a readable store database");
    }

    @Test
    void nixDb_wrongSchema() throws Exception {
        Path f = sqlite("create table Other (x integer)");
        assertRefused(f, "not a readable store database");
    }

    @Test
    void nixDb_missingColumn() throws Exception {
        Path f = sqlite("create table ValidPaths (id integer primary key, path text)");
        assertRefused(f, "table ValidPaths has no column 'hash'");
    }

    @Test
    void nixDb_badHash_namesTheRow() throws Exception {
        Path f = nixSchema("insert into ValidPaths values (1, '" + pathOf(0) + "', 'sha256:nothex', 1, null, 120, null, null, null)");
        assertRefused(f, "ValidPaths row id=1 (" + pathOf(0) + "): bad hash");
    }

    @Test
    void nixDb_badPath_namesTheRow() throws Exception {
        Path f = nixSchema("insert into ValidPaths values (7, '/nix/store/short-x', 'sha256:" + "0".repeat(64)
                + "', 1, null, 120, null, null, null)");
        assertRefused(f, "ValidPaths row id=7: path '/nix/store/short-x' is not a valid store path");
    }

    @Test
    void nixDb_danglingRefsId_namesTheRow() throws Exception {
        Path f = nixSchema("insert into ValidPaths values (1, '" + pathOf(0) + "', 'sha256:" + "0".repeat(64)
                + "', 1, null, 120, null, null, null)", "insert into Refs values (1, 99)");
        assertRefused(f, "Refs row (1, 99) names a path id that ValidPaths does not have");
    }

    // ------------------------------------------------------------------ helpers

    private String pathOf(int i) { return good.get(0).replaceFirst("-pkg0-", "-pkg" + i + "-"); }

    private Path dump(List<String> lines) throws IOException {
        return Files.writeString(tmp.resolve("bad.dump"), String.join("\n", lines) + "\n");
    }

    private Path sqlite(String... statements) throws Exception {
        Path f = tmp.resolve("db.sqlite");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement st = c.createStatement()) {
            for (String s : statements) st.execute(s);
        }
        return f;
    }

    /** Nix's schema (src/libstore/schema.sql, Nix 2.8) with the given rows. */
    private Path nixSchema(String... rows) throws Exception {
        List<String> all = new ArrayList<>(List.of(
                "create table ValidPaths (id integer primary key autoincrement not null, path text unique not null,"
                        + " hash text not null, registrationTime integer not null, deriver text, narSize integer,"
                        + " ultimate integer, sigs text, ca text)",
                "create table Refs (referrer integer not null, reference integer not null, primary key (referrer, reference))",
                "create table DerivationOutputs (drv integer not null, id text not null, path text not null,"
                        + " primary key (drv, id))"));
        all.addAll(List.of(rows));
        return sqlite(all.toArray(String[]::new));
    }

    private void assertRefused(Path input, String expectedMessagePart) throws IOException {
        Path state = tmp.resolve("state");
        Map<String, byte[]> logBefore = files(Store.logDir(state));
        long lastBefore = lastSequence(state);
        boolean db = input.getFileName().toString().endsWith(".sqlite");
        CliRunner.Result r = cli.run("import", db ? "--nix-db" : "--dump-db", input.toString());
        assertEquals(64, r.exit(), r.err());
        assertTrue(r.err().contains(expectedMessagePart), "error names the place: " + r.err());
        assertTrue(r.err().contains("nothing was imported"), r.err());
        Map<String, byte[]> logAfter = files(Store.logDir(state));
        assertEquals(logBefore.keySet(), logAfter.keySet(), "no log file appeared or vanished");
        for (var e : logBefore.entrySet())
            assertArrayEquals(e.getValue(), logAfter.get(e.getKey()), "log file " + e.getKey() + " is unchanged");
        assertEquals(lastBefore, lastSequence(state), "lastSequence is unchanged");
    }

    private static long lastSequence(Path state) {
        try (EventLog log = EventLogs.openEmbeddedReadOnly(Store.logDir(state))) {
            return log.lastSequence();
        }
    }

    private static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
        }
        return out;
    }
}
