package org.storelog.domain.drv;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.storelog.domain.hash.NixBase32;
import org.storelog.domain.store.StoreDir;
import org.storelog.domain.store.StorePath;

/** Pure laws of the ATerm codec over arbitrary derivations (no Nix needed). */
class DerivationRoundTripProperties {
    private static final StoreDir DIR = StoreDir.of("/gnu/store");

    @Property(tries = 300)
    void parseOfPrint_isIdentity(@ForAll("derivations") Derivation d) {
        String text = ATermWriter.write(DIR, d);
        Derivation back = ATermParser.parse(DIR, d.name(), text);
        assertEquals(d, back);
        assertEquals(text, ATermWriter.write(DIR, back));
    }

    @Provide
    Arbitrary<Derivation> derivations() {
        Arbitrary<String> text = Arbitraries.strings().all().ofMaxLength(12)
                .filter(s -> s.codePoints().allMatch(Character::isValidCodePoint))
                .filter(DerivationRoundTripProperties::wellFormedUtf16);
        Arbitrary<String> rawText = Arbitraries.strings().withCharRange(' ', '~').withChars("é日\n")
                .ofMaxLength(10).filter(s -> s.indexOf('"') < 0 && s.indexOf('\\') < 0);
        Arbitrary<StorePath> path = Combinators.combine(Arbitraries.bytes().array(byte[].class).ofSize(20),
                        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8))
                .as((h, n) -> StorePath.fromBaseName(NixBase32.encode(h) + "-" + n));
        Arbitrary<StorePath> drvPath = path.map(p -> StorePath.fromBaseName(p.baseName() + ".drv"));
        Arbitrary<Map<String, DerivationOutput>> outputs = Arbitraries.maps(rawText,
                Combinators.combine(path.optional(), Arbitraries.of("", "sha256", "r:sha1"))
                        .as((p, algo) -> new DerivationOutput(p, algo, algo.isEmpty() ? ""
                                : "0".repeat(algo.endsWith("sha1") ? 40 : 64)))).ofMaxSize(3);
        Arbitrary<Map<StorePath, Set<String>>> inputs = Arbitraries.maps(drvPath, rawText.set().ofMinSize(1).ofMaxSize(3))
                .ofMaxSize(3);
        Arbitrary<Set<StorePath>> srcs = path.set().ofMaxSize(3);
        Arbitrary<List<String>> args = text.list().ofMaxSize(4);
        Arbitrary<Map<String, String>> env = Arbitraries.maps(text, text).ofMaxSize(6);
        return Combinators.combine(outputs, inputs, srcs, rawText, text, args, env)
                .as((o, i, s, platform, builder, a, e) -> {
                    TreeMap<StorePath, java.util.SortedSet<String>> in = new TreeMap<>();
                    i.forEach((k, v) -> {
                        TreeSet<String> names = new TreeSet<>(ByteOrder.UTF8);
                        names.addAll(v);
                        in.put(k, names);
                    });
                    return new Derivation("d", new TreeMap<>(o), in, new TreeSet<>(s), platform, builder, a, new TreeMap<>(e));
                });
    }

    private static boolean wellFormedUtf16(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) return false;
                i++;
            } else if (Character.isLowSurrogate(c)) return false;
        }
        return true;
    }

    @Property(tries = 200)
    void byteOrder_agreesWithUtf8Bytes(@ForAll("texts") String a, @ForAll("texts") String b) {
        int expected = Integer.signum(java.util.Arrays.compareUnsigned(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(expected, Integer.signum(ByteOrder.compare(a, b)));
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.of("a", "b", "é", "\uE000", "\uFFFF", "\uD83D\uDE00", "\uD800\uDC00", "z").list().ofMaxSize(4)
                .map(l -> String.join("", l));
    }

}
