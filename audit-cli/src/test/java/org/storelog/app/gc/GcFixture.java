package org.storelog.app.gc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.storelog.app.Store;
import org.storelog.app.StoreConfig;
import org.storelog.domain.event.StoreEvent;

/** A standalone test store whose paths are files written under the physical store and registered. */
public final class GcFixture {
    public static final String ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";
    public static final String NAR_HASH = "sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s";

    public static Store create(Path dir) {
        StoreConfig cfg = new StoreConfig("/nix/store", StoreConfig.STANDALONE, dir.resolve("store").toString(), null);
        return Store.create(dir.resolve("state"), cfg);
    }

    /** A valid-looking store path for number {@code i} and {@code name}. */
    public static String path(int i, String name) {
        StringBuilder sb = new StringBuilder();
        long v = i * 2654435761L + 12345;
        for (int k = 0; k < 32; k++) { sb.append(ALPHABET.charAt((int) Math.floorMod(v, 32))); v = v / 32 + k * 7 + i; }
        return "/nix/store/" + sb + "-" + name;
    }

    public static void register(Store store, String p, long size, List<String> refs, String deriver) {
        try {
            Path f = store.config().physical(p);
            Files.createDirectories(f.getParent());
            Files.writeString(f, "contents of " + p);
            f.toFile().setReadOnly();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
        store.commit(List.of(new StoreEvent.PathRegistered(p, NAR_HASH, size, refs, deriver, null, List.of(),
                1700000000L, StoreEvent.Origin.ADDED)));
    }

    public static void outputs(Store store, String drv, Map<String, String> outs) {
        store.commit(List.of(new StoreEvent.DerivationOutputsDeclared(drv, outs)));
    }

    public static void root(Store store, String name, String p) {
        store.commit(List.of(new StoreEvent.RootAdded(name, p)));
    }

    private GcFixture() {}
}
