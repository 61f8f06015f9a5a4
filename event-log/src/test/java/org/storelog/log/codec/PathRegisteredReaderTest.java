package org.storelog.log.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.*;
import org.junit.jupiter.api.Test;
import org.storelog.domain.event.StoreEvent;
import org.storelog.domain.event.StoreEvent.Origin;
import org.storelog.domain.event.StoreEvent.PathRegistered;

/** The streaming decoder of PathRegistered answers as data binding does, or leaves the payload to it. */
class PathRegisteredReaderTest {
    private static final EventCodec CODEC = new EventCodec();
    private static final int REV = StoreEvent.REVISIONS.get("PathRegistered");
    private final PathRegisteredReader reader = new PathRegisteredReader(CODEC.mapper().getFactory());

    @Property(tries = 300)
    void encodedEvents_decodeToWhatDataBindingGives(@ForAll("events") PathRegistered e) {
        byte[] json = CODEC.encode(e);
        PathRegistered fast = reader.read(json, 0, json.length);
        assertNotNull(fast, "the writer's own shape is the simple shape");
        assertEquals(CODEC.decodeBound("PathRegistered", REV, json, 0, json.length), fast);
        assertEquals(e, fast);
    }

    @Test
    void unusualPayloads_areLeftToDataBinding_andDecodeAsBefore() {
        String good = new String(CODEC.encode(new PathRegistered("/nix/store/a-x", "sha256:00", 5, List.of("/nix/store/a-x"),
                null, null, List.of("k:s"), 7, Origin.BUILT)), StandardCharsets.UTF_8);
        List<String> odd = List.of(
                good.replace("\"narSize\":5", "\"narSize\":5.0"),              // a float where an integer goes
                good.replace("\"narSize\":5", "\"narSize\":\"5\""),            // a string where an integer goes
                good.replace("\"narSize\":5,", ""),                            // missing property
                good.replace("{", "{\"extra\":1,"),                            // unknown property
                good.replace("{", "{\"narSize\":6,"),                          // repeated property
                good.replace("\"origin\":\"BUILT\"", "\"origin\":null"),       // null origin (IMPORTED)
                good.replace("\"origin\":\"BUILT\"", "\"origin\":\"NOPE\""),   // unknown origin
                good.replace("\"signatures\":[\"k:s\"]", "\"signatures\":null"),
                good.replace("\"references\":[\"/nix/store/a-x\"]", "\"references\":[null]"),
                good.replace("\"path\":\"/nix/store/a-x\"", "\"path\":null"),
                good.replace("\"narSize\":5", "\"narSize\":99999999999999999999"),
                good.substring(0, good.length() - 1));                        // truncated
        for (String s : odd) {
            byte[] json = s.getBytes(StandardCharsets.UTF_8);
            assertNull(reader.read(json, 0, json.length), s);
            assertEquals(outcome(() -> CODEC.decodeBound("PathRegistered", REV, json, 0, json.length)),
                    outcome(() -> CODEC.decode("PathRegistered", REV, json, 0, json.length)), s);
        }
    }

    private static String outcome(java.util.function.Supplier<StoreEvent> decode) {
        try {
            return "value " + decode.get();
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    @Provide
    Arbitrary<PathRegistered> events() {
        Arbitrary<String> path = Arbitraries.strings().withChars("abc09-+.é\"\\\n").ofMinLength(1).ofMaxLength(20)
                .map(s -> "/nix/store/" + s);
        Arbitrary<String> maybe = Arbitraries.oneOf(path, Arbitraries.just(null));
        Arbitrary<Tuple.Tuple2<Long, Origin>> timeAndOrigin =
                Combinators.combine(Arbitraries.longs(), Arbitraries.of(Origin.values())).as(Tuple::of);
        return Combinators.combine(path, Arbitraries.strings().ofMaxLength(60), Arbitraries.longs(),
                path.list().ofMaxSize(6), maybe, maybe, Arbitraries.strings().list().ofMaxSize(3), timeAndOrigin)
                .as((p, h, size, refs, drv, ca, sigs, to) -> new PathRegistered(p, h, size, refs, drv, ca, sigs, to.get1(),
                        to.get2()));
    }
}
