package org.storelog.projection;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Txn;

/** Every key and value of every DBI of a (closed) projection env, as hex, in stored order. */
final class RawDbis {
    static final List<String> NAMES = List.of("meta", "pathId", "pathName", "info", "refs", "referrers", "outputs",
            "derivers", "roots", "history", "results");

    private RawDbis() {}

    static Map<String, List<String>> of(Path dir) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        HexFormat hex = HexFormat.of();
        try (Env<ByteBuffer> env = Env.create().setMaxDbs(16).open(dir.toFile(), EnvFlags.MDB_RDONLY_ENV)) {
            for (String name : NAMES) {
                Dbi<ByteBuffer> dbi = env.openDbi(name, new DbiFlags[0]);
                List<String> rows = new ArrayList<>();
                try (Txn<ByteBuffer> txn = env.txnRead(); Cursor<ByteBuffer> c = dbi.openCursor(txn)) {
                    for (boolean ok = c.first(); ok; ok = c.next())
                        rows.add(hex.formatHex(bytes(c.key())) + "=" + hex.formatHex(bytes(c.val())));
                }
                out.put(name, rows);
            }
        }
        return out;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
