package org.storelog.log.codec;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** Strings for payload properties: JSON's hard cases (control, quote, backslash, non-ASCII, astral, empty) and plain ones. */
final class PayloadStrings {
    private PayloadStrings() {}

    static Arbitrary<String> any() {
        Arbitrary<String> text = Arbitraries.strings().withChars("abc09-+.\u00e9\"\\\n\t\u0000\u001f\u007f\u2028\uffff")
                .withCharRange('\ud83d', '\ud83d').ofMaxLength(20);
        return Arbitraries.oneOf(text, Arbitraries.strings().ofMaxLength(30));
    }

    static Arbitrary<String> maybe() {
        return Arbitraries.oneOf(any(), Arbitraries.just(null));
    }

    static Arbitrary<Long> number() {
        return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE));
    }
}
