package org.storelog.cli;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

/**
 * Run in a child JVM by {@link StartupFilesTest} with lmdb-patches.jar first on the class path:
 * exercises the bindings whose parameters carried annotations (an out-pointer to create the env,
 * a {@code size_t} map size, in-pointers for keys and values, a count through a by-reference) and
 * prints what it found, one {@code key=value} per line.
 */
public final class LmdbPatchProbe {
    private LmdbPatchProbe() {}

    public static void main(String[] args) throws Exception {
        Class<?> lib = Class.forName("org.lmdbjava.Library$Lmdb");
        System.out.println("from=" + lib.getProtectionDomain().getCodeSource().getLocation());
        int annotated = 0;
        for (var m : lib.getDeclaredMethods())
            for (var a : m.getParameterAnnotations()) annotated += a.length;
        System.out.println("annotations=" + annotated);
        long mapSize = 3L << 30; // above 2^31: a size_t passed as anything narrower would show
        try (Env<ByteBuffer> env = Env.create().setMapSize(mapSize).setMaxDbs(2).open(Path.of(args[0]).toFile())) {
            System.out.println("mapSize=" + env.info().mapSize);
            Dbi<ByteBuffer> db = env.openDbi("probe", DbiFlags.MDB_CREATE, DbiFlags.MDB_DUPSORT);
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                for (String v : new String[] {"a", "b", "c"}) db.put(txn, buf("key"), buf(v));
                txn.commit();
            }
            try (Txn<ByteBuffer> txn = env.txnRead(); var c = db.openCursor(txn)) {
                c.get(buf("key"), org.lmdbjava.GetOp.MDB_SET_KEY);
                System.out.println("count=" + c.count());
                System.out.println("first=" + StandardCharsets.UTF_8.decode(c.val()));
            }
        }
    }

    private static ByteBuffer buf(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocateDirect(b.length).put(b).flip();
    }
}
