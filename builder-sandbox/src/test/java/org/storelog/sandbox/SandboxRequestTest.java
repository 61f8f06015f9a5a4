package org.storelog.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Malformed requests are refused up front with {@link SandboxException.Reason#INVALID_REQUEST}. */
class SandboxRequestTest {
    static final String OUT = "/nix/store/1111111111111111111111111111111b-x";

    static SandboxRequest.Builder valid() {
        return SandboxRequest.builder("/nix/store").output(OUT).scratchDir(Path.of("/s")).buildDir(Path.of("/b"))
                .builder("/bin/sh", "-c", "true");
    }

    static void assertInvalid(UnaryOperator<SandboxRequest.Builder> change, String messagePart) {
        SandboxException e = assertThrows(SandboxException.class, () -> change.apply(valid()).build());
        assertEquals(SandboxException.Reason.INVALID_REQUEST, e.reason());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }

    @Test void validRequestIsAccepted() {
        SandboxRequest r = valid().build();
        assertEquals(Path.of("/s/store/1111111111111111111111111111111b-x"), r.hostOutputPath(OUT));
        assertEquals(Variation.NONE, r.variation());
        assertEquals(Limits.NONE, r.limits());
    }

    @Test void inputOutsideStoreDir_isRefused() {
        assertInvalid(b -> b.input("/gnu/store/aaaa-x", Path.of("/x")), "not in store directory");
    }

    @Test void inputBelowAStorePath_isRefused() {
        assertInvalid(b -> b.input("/nix/store/aaaa-x/sub", Path.of("/x")), "not a direct child");
    }

    @Test void relativeInputHostPath_isRefused() {
        assertInvalid(b -> b.input("/nix/store/aaaa-x", Path.of("rel")), "must be absolute");
    }

    @Test void outputThatIsAlsoAnInput_isRefused() {
        assertInvalid(b -> b.input(OUT, Path.of("/x")), "also an input");
    }

    @Test void relativeBuilder_isRefused() {
        assertInvalid(b -> b.builder("sh"), "absolute path");
    }

    @Test void badEnvironmentName_isRefused() {
        assertInvalid(b -> b.env("A=B", "x"), "invalid variable name");
    }

    @Test void nulInEnvironmentValue_isRefused() {
        assertInvalid(b -> b.env("A", "x\0y"), "contains NUL");
    }

    @Test void nonCanonicalStoreDir_isRefused() {
        SandboxException e = assertThrows(SandboxException.class,
                () -> SandboxRequest.builder("/nix/store/").output("/nix/store//x").build());
        assertEquals(SandboxException.Reason.INVALID_REQUEST, e.reason());
    }

    @Test void variationRefusesRootBuilderAndRelativeBuildDir() {
        assertEquals(SandboxException.Reason.INVALID_REQUEST,
                assertThrows(SandboxException.class, () -> Variation.NONE.withIds(0, 0)).reason());
        assertEquals(SandboxException.Reason.INVALID_REQUEST,
                assertThrows(SandboxException.class, () -> Variation.NONE.withBuildDir("build")).reason());
    }

    @Test void variationDescribesOnlyWhatChanged() {
        assertEquals("none", Variation.NONE.describe());
        assertEquals("hostname=h2,cpus=1,umask=0002",
                Variation.NONE.withHostname("h2").withUmask(0002).withCpuCount(1).describe());
    }
}
