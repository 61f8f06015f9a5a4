package org.storelog.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.domain.event.StoreEvent.Origin;
import org.storelog.domain.event.StoreEvent.PathRegistered;
import org.storelog.testsupport.ExternalTools;

/**
 * Query answers against the real {@code nix-store -q}: six text paths with references are added
 * to /nix/store through Nix ({@code builtins.toFile}), registered in our views with the
 * references Nix reports, and every closure must come out in exactly Nix's order.
 */
class NixQueryDifferentialTest {
    static final String NIX = """
            let
              t = n: c: builtins.toFile "storelog-proj-${n}" c;
              a = t "a" "a";
              b = t "b" "b ${a}";
              c = t "c" "c ${a} ${b}";
              d = t "d" "d ${c}";
              e = t "e" "e ${a} ${d}";
              f = t "f" "f ${b}";
            in [ a b c d e f ]
            """;

    static List<String> paths;
    static final Log log = new Log();

    @BeforeAll
    static void addPathsThroughNix(@TempDir Path dir) throws Exception {
        ExternalTools.require("nix-instantiate");
        ExternalTools.require("nix-store");
        Files.writeString(dir.resolve("t.nix"), NIX);
        String json = ExternalTools.run(List.of("nix-instantiate", "--eval", "--strict", "--read-write-mode", "--json",
                dir.resolve("t.nix").toString())).ok().out();
        paths = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]+)\"").matcher(json);
        while (m.find()) paths.add(m.group(1));
        for (String p : paths) {
            List<String> refs = nixQuery("--references", p);
            String hash = nixQuery("--hash", p).get(0);
            log.add(new PathRegistered(p, hash, 0, refs, null, null, List.of(), 0, Origin.TEXT));
        }
    }

    static List<String> nixQuery(String... args) {
        List<String> cmd = new ArrayList<>(List.of("nix-store", "-q"));
        cmd.addAll(List.of(args));
        String out = ExternalTools.run(cmd).ok().out();
        return out.isBlank() ? List.of() : List.of(out.strip().split("\n"));
    }

    private void checkAgainstNix(StoreView v) {
        String a = paths.get(0), b = paths.get(1), d = paths.get(3), e = paths.get(4), f = paths.get(5);
        assertEquals(nixQuery("--requisites", d), v.requisites(List.of(d)));
        assertEquals(nixQuery("--requisites", e, f), v.requisites(List.of(e, f)));
        assertEquals(nixQuery("--referrers-closure", a), v.referrersClosure(List.of(a)));
        assertEquals(nixQuery("--referrers-closure", b), v.referrersClosure(List.of(b)));
        assertEquals(nixQuery("--referrers", a), v.referrers(a));
        assertEquals(nixQuery("--references", e), v.references(e));
    }

    @Test
    void inMemory_answersAsNixStore() {
        InMemoryStoreView v = new InMemoryStoreView();
        v.apply(log.events);
        checkAgainstNix(v);
    }

    @Test
    void lmdb_answersAsNixStore(@TempDir Path dir) {
        try (LmdbProjections v = LmdbProjections.open(dir)) {
            v.apply(log.events);
            checkAgainstNix(v);
        }
    }

}
