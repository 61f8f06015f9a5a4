package org.storelog.log.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import net.jqwik.api.*;
import org.storelog.domain.event.StoreEvent;
import org.storelog.domain.event.StoreEvent.BuildFailed;
import org.storelog.domain.event.StoreEvent.BuildStarted;
import org.storelog.domain.event.StoreEvent.BuildSucceeded;
import org.storelog.domain.event.StoreEvent.DerivationOutputsDeclared;
import org.storelog.domain.event.StoreEvent.OutputComparison;
import org.storelog.domain.event.StoreEvent.RebuildCompared;

/** The streaming encoder of the build and rebuild events writes exactly the bytes data binding writes. */
class BuildEventsWriterTest {
    private static final EventCodec CODEC = new EventCodec();

    @Property(tries = 400)
    void writesTheBytesDataBindingWrites(@ForAll("events") StoreEvent e) {
        assertArrayEquals(CODEC.encodeBound(e), CODEC.encode(e), () -> new String(CODEC.encodeBound(e)));
    }

    @Example
    void leavesOtherEventsToDataBinding() {
        assertNull(new BuildEventsWriter(new com.fasterxml.jackson.core.JsonFactory())
                .write(new StoreEvent.RootAdded("r", "/nix/store/x")));
    }

    @Provide
    Arbitrary<StoreEvent> events() {
        Arbitrary<String> any = PayloadStrings.any();
        Arbitrary<String> maybe = PayloadStrings.maybe();
        Arbitrary<Long> number = PayloadStrings.number();
        Arbitrary<Map<String, String>> names = Arbitraries.maps(any, any).ofMaxSize(5);
        Arbitrary<List<String>> list = any.list().ofMaxSize(4);
        Arbitrary<OutputComparison> comparison = Combinators.combine(maybe, maybe, list, list.injectNull(0.2))
                .as(OutputComparison::new);
        Arbitrary<StoreEvent> started = Combinators.combine(maybe, maybe, maybe).as(BuildStarted::new);
        Arbitrary<StoreEvent> succeeded = Combinators.combine(maybe, maybe, names, number).as(BuildSucceeded::new);
        Arbitrary<StoreEvent> failed = Combinators.combine(maybe, maybe, maybe, number).as(BuildFailed::new);
        Arbitrary<StoreEvent> declared = Combinators.combine(maybe, names).as(DerivationOutputsDeclared::new);
        Arbitrary<StoreEvent> compared = Combinators.combine(maybe, maybe, maybe, Arbitraries.maps(any, comparison).ofMaxSize(3),
                maybe, Arbitraries.integers()).as(RebuildCompared::new);
        return Arbitraries.oneOf(started, succeeded, failed, declared, compared);
    }
}
