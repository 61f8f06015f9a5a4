package org.storelog.log.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import net.jqwik.api.*;
import org.storelog.domain.event.StoreEvent.Origin;
import org.storelog.domain.event.StoreEvent.PathRegistered;

/** The streaming encoder of PathRegistered writes exactly the bytes data binding writes. */
class PathRegisteredWriterTest {
    private static final EventCodec CODEC = new EventCodec();

    @Property(tries = 500)
    void writesTheBytesDataBindingWrites(@ForAll("events") PathRegistered e) {
        assertArrayEquals(CODEC.encodeBound(e), CODEC.encode(e), () -> new String(CODEC.encodeBound(e)));
    }

    @Provide
    Arbitrary<PathRegistered> events() {
        Arbitrary<String> any = PayloadStrings.any();
        Arbitrary<String> maybe = PayloadStrings.maybe();
        Arbitrary<Long> number = PayloadStrings.number();
        Arbitrary<Tuple.Tuple2<Long, Origin>> timeAndOrigin =
                Combinators.combine(number, Arbitraries.of(Origin.values()).injectNull(0.2)).as(Tuple::of);
        return Combinators.combine(any, any, number, any.list().ofMaxSize(6), maybe, maybe, any.list().ofMaxSize(3),
                        timeAndOrigin)
                .as((p, h, size, refs, drv, ca, sigs, to) -> new PathRegistered(p, h, size, refs, drv, ca, sigs,
                        to.get1(), to.get2()));
    }
}
