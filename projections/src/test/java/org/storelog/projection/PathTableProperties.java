package org.storelog.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class PathTableProperties {

    @Provide
    Arbitrary<List<String>> lookups() {
        // few distinct names (many repeats), colliding hashes ("Aa" and "BB" hash alike), thousands of names
        Arbitrary<String> name = Arbitraries.oneOf(
                Arbitraries.of("Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa", ""),
                Arbitraries.strings().withChars("abc/").ofMaxLength(6),
                Arbitraries.integers().between(0, 5000).map(i -> "/nix/store/" + i));
        return name.list().ofMaxSize(4000);
    }

    @Property(tries = 200)
    void givesIndicesInOrderOfFirstAppearance(@ForAll("lookups") List<String> names) {
        PathTable table = new PathTable();
        Map<String, Integer> model = new HashMap<>();
        for (String n : names) {
            Integer expected = model.computeIfAbsent(n, k -> model.size());
            assertEquals(expected, table.intern(n), n);
        }
        assertEquals(model.size(), table.size());
        model.forEach((n, i) -> assertEquals(n, table.name(i)));
    }
}
