package org.storelog.log.codec;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.storelog.domain.event.StoreEvent;
import org.storelog.log.EventSamples;

/**
 * Pins our own payload format: {@code golden/events/<Type>.r<revision>.json} per type and
 * revision. These goldens are ours (the log format is ours); regenerate the current revisions
 * with {@code -Dgolden.accept=true} only when a format change is intended, and then bump the
 * revision and add an upcaster instead of editing an old golden.
 */
class EventCodecGoldenTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/events");
    final EventCodec codec = new EventCodec();

    @Test
    void everyTypeSerializesToItsGoldenBytesAtTheCurrentRevision() throws IOException {
        boolean accept = Boolean.getBoolean("golden.accept");
        for (StoreEvent e : EventSamples.all()) {
            String type = e.typeName();
            Path file = GOLDEN.resolve(type + ".r" + codec.revision(type) + ".json");
            String json = new String(codec.encode(e), StandardCharsets.UTF_8);
            if (accept) Files.writeString(file, json + "\n");
            assertTrue(Files.exists(file), "missing golden " + file + " (run with -Dgolden.accept=true)");
            assertEquals(Files.readString(file).strip(), json, type);
        }
    }

    @Test
    void everyGoldenDecodesToTheSampleEvent() throws IOException {
        for (StoreEvent e : EventSamples.all()) {
            String type = e.typeName();
            byte[] golden = Files.readAllBytes(GOLDEN.resolve(type + ".r" + codec.revision(type) + ".json"));
            assertEquals(e, codec.decode(type, codec.revision(type), golden));
        }
    }

    @Test
    void samplesCoverEveryTypeOfTheCatalogue() {
        Set<String> sampled = new HashSet<>();
        EventSamples.all().forEach(e -> sampled.add(e.typeName()));
        assertEquals(StoreEvent.REVISIONS.keySet(), sampled);
    }

    @Test
    void pathRegisteredRevision1IsUpcastWithOriginImported() throws IOException {
        byte[] r1 = Files.readAllBytes(GOLDEN.resolve("PathRegistered.r1.json"));
        assertFalse(new String(r1, StandardCharsets.UTF_8).contains("origin"), "an r1 payload has no origin");
        StoreEvent e = codec.decode("PathRegistered", 1, r1);
        StoreEvent.PathRegistered p = assertInstanceOf(StoreEvent.PathRegistered.class, e);
        assertEquals(StoreEvent.Origin.IMPORTED, p.origin());
        assertEquals(List.of("/nix/store/9krlzvny65gdc8s7kpb6lkx8cd02c25b-glibc-2.37-8"), p.references());
        assertEquals("IMPORTED", codec.upcastTree("PathRegistered", 1, r1).get("origin").asText());
    }

    @Test
    void revisionNewerThanKnownIsRejectedWithItsTypeAndRevision() {
        var ex = assertThrows(EventCodecException.class, () -> codec.decode("RootAdded", 2, "{}".getBytes()));
        assertEquals("RootAdded", ex.type());
        assertEquals(2, ex.revision());
        assertTrue(ex.reason().contains("newer"), ex.reason());
    }

    @Test
    void unknownTypeAndMalformedPayloadAreRejected() {
        assertEquals("unknown event type",
                assertThrows(EventCodecException.class, () -> codec.decode("PathExploded", 1, "{}".getBytes())).reason());
        var ex = assertThrows(EventCodecException.class, () -> codec.decode("RootAdded", 1, "{\"name\":".getBytes()));
        assertTrue(ex.reason().startsWith("malformed payload"), ex.reason());
    }

    @Test
    void missingUpcasterStepIsNamed() {
        var ex = assertThrows(EventCodecException.class,
                () -> new EventCodec(new Upcasters(List.of())).decode("PathRegistered", 1, "{}".getBytes()));
        assertTrue(ex.reason().contains("no upcaster from revision 1 to 2"), ex.reason());
    }
}
