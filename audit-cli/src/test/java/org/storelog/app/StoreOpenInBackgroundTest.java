package org.storelog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.app.gc.GcFixture;

/** {@link Store#openInBackground}: the next {@link Store#open} of the same store and mode takes it, and fails as open would. */
class StoreOpenInBackgroundTest {
    @TempDir Path tmp;

    private Path storeWithOnePath(String p) {
        try (Store s = GcFixture.create(tmp)) {
            GcFixture.register(s, p, 10, List.of(), null);
        }
        return tmp.resolve("state");
    }

    @Test void readerOpenedInBackground_isTheOneOpenReturns_andAnswersQueries() {
        String p = GcFixture.path(1, "a");
        Path state = storeWithOnePath(p);
        try (Store first = Store.open(state, false)) { // leaves the head hint: the read-only path
            assertTrue(first.view().isValid(p));
        }
        Store.openInBackground(state, false);
        Store taken;
        try (Store s = Store.open(state, false)) {
            assertTrue(s.view().isValid(p));
            taken = s;
        }
        // taken once: the next open is a store of its own (opened after the first is closed: LMDB
        // allows one open env per directory in a process)
        try (Store again = Store.open(state, false)) {
            assertNotSame(taken, again);
            assertTrue(again.view().isValid(p));
        }
    }

    @Test void writerOpenedInBackground_commitsAndCatchesUp() {
        String p = GcFixture.path(2, "b"), q = GcFixture.path(3, "c");
        Path state = storeWithOnePath(p);
        Store.openInBackground(state, true);
        try (Store s = Store.open(state, true)) {
            assertTrue(s.view().isValid(p));
            GcFixture.register(s, q, 5, List.of(p), null);
            assertEquals(List.of(p), s.view().references(q));
        }
        try (Store s = Store.open(state, false)) {
            assertTrue(s.view().isValid(q));
        }
    }

    @Test void openInAnotherMode_closesTheBackgroundStore_soItsWriterLockIsFree() {
        String p = GcFixture.path(4, "d");
        Path state = storeWithOnePath(p);
        Store.openInBackground(state, true);
        try (Store reader = Store.open(state, false)) {
            assertTrue(reader.view().isValid(p));
        }
        // the writer opened in the background was closed: a writer opens (and can commit) now
        try (Store writer = Store.open(state, true)) {
            GcFixture.register(writer, GcFixture.path(5, "e"), 1, List.of(), null);
        }
    }

    @Test void missingStore_failsWithOpensOwnMessage() {
        Path none = tmp.resolve("none");
        StoreException direct = assertThrows(StoreException.class, () -> Store.open(none, false));
        Store.openInBackground(none, false);
        StoreException background = assertThrows(StoreException.class, () -> Store.open(none, false));
        assertEquals(direct.getMessage(), background.getMessage());
        assertEquals(direct.exitCode(), background.exitCode());
    }

    @Test void backgroundOpenOfAnotherStore_isNotReturned() {
        String p = GcFixture.path(6, "f");
        Path state = storeWithOnePath(p);
        Store.openInBackground(tmp.resolve("elsewhere"), false);
        try (Store s = Store.open(state, false)) {
            assertSame(state, s.state());
            assertTrue(s.view().isValid(p));
        }
    }
}
