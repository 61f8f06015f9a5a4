package org.storelog.projection;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

/**
 * Prints raw lmdbjava put/get rates for ordered 8-byte keys (the baseline behind LmdbFold's
 * ordered, deferred writes; with keys in random order, via {@code Long.reverse}, puts measured
 * ~130k/s against ~0.8-1.1M/s ordered on the shared 2-core machine). Asserts nothing. Run:
 * {@code mvn -o -q -B -pl projections -am verify -Dtest=RawLmdbSpeed -Dsurefire.failIfNoSpecifiedTests=false -Dprojection.speed=true}
 */
@EnabledIfSystemProperty(named = "projection.speed", matches = "true")
class RawLmdbSpeed {
    @Test
    void rawPuts() throws Exception {
        Path dir = Files.createTempDirectory("raw");
        try (Env<ByteBuffer> env = Env.create().setMapSize(1L << 30).setMaxDbs(4).open(dir.toFile())) {
            Dbi<ByteBuffer> db = env.openDbi("x", DbiFlags.MDB_CREATE);
            ByteBuffer k = ByteBuffer.allocateDirect(8), v = ByteBuffer.allocateDirect(8);
            for (int round = 0; round < 3; round++) {
                long t0 = System.nanoTime();
                int n = 1_000_000;
                try (Txn<ByteBuffer> txn = env.txnWrite()) {
                    for (int i = 0; i < n; i++) {
                        k.clear().putLong(0, (i + (long) round * n));
                        v.clear().putLong(0, i);
                        db.put(txn, k, v);
                    }
                    txn.commit();
                }
                long t = System.nanoTime() - t0;
                System.out.printf("raw: %,d ordered puts in %.0f ms = %,.0f puts/s%n", n, t / 1e6, n / (t / 1e9));
                t0 = System.nanoTime();
                long found = 0;
                try (Txn<ByteBuffer> txn = env.txnRead()) {
                    for (int i = 0; i < n; i++) {
                        k.clear().putLong(0, (i + (long) round * n));
                        if (db.get(txn, k) != null) found++;
                    }
                }
                t = System.nanoTime() - t0;
                System.out.printf("raw: %,d gets in %.0f ms = %,.0f gets/s (%d)%n", n, t / 1e6, n / (t / 1e9), found);
            }
        }
    }
}
