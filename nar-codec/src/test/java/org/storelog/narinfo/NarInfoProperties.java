package org.storelog.narinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.storelog.domain.hash.Hash;
import org.storelog.domain.hash.NixBase32;

class NarInfoProperties {
    @Provide
    Arbitrary<String> basenames() {
        Arbitrary<String> hash = Arbitraries.strings().withChars(NixBase32.ALPHABET.toCharArray()).ofLength(32);
        Arbitrary<String> name = Arbitraries.strings().withChars("abcxyz0189+-._?=").ofMinLength(1).ofMaxLength(20)
                .filter(n -> !n.startsWith("."));
        return Combinators.combine(hash, name).as((h, n) -> h + "-" + n);
    }

    @Provide
    Arbitrary<NarInfo> narinfos() {
        Arbitrary<byte[]> digest = Arbitraries.bytes().array(byte[].class).ofSize(32);
        return Combinators.combine(basenames(), digest, Arbitraries.longs().between(1, Long.MAX_VALUE),
                        basenames().list().ofMaxSize(5), basenames().injectNull(0.5),
                        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8).list().ofMaxSize(3))
                .as((path, d, size, refs, deriver, sigs) -> {
                    NarInfo.Builder b = NarInfo.builder("/nix/store/" + path, new Hash(org.storelog.domain.hash.HashAlgorithm.SHA256, d), size)
                            .compression("zstd").system("x86_64-linux");
                    refs.forEach(b::reference);
                    if (deriver != null) b.deriver(deriver + ".drv");
                    sigs.forEach(s -> b.sig(s + ":c2ln"));
                    return b.build();
                });
    }

    @Property(tries = 200)
    void printThenParse_isIdentity(@ForAll("narinfos") NarInfo n) {
        NarInfo back = NarInfo.parse(n.print());
        assertEquals(n.fields(), back.fields());
        assertEquals(n.print(), back.print());
    }

    @Property(tries = 200)
    void withSig_keepsSigLinesSortedAndTogether(@ForAll("narinfos") NarInfo n, @ForAll("basenames") String name) {
        NarInfo signed = n.withSig(name.substring(33) + ":c2ln");
        List<String> sigs = signed.sigs();
        assertEquals(sigs.stream().sorted().distinct().toList(), sigs);
        List<String> keys = signed.fields().stream().map(NarInfo.Field::key).toList();
        int first = keys.indexOf("Sig"), last = keys.lastIndexOf("Sig");
        assertEquals(sigs.size(), last - first + 1);
    }
}
