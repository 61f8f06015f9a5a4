package org.storelog.app.audit;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.storelog.app.audit.VariationPlan.Kind;
import org.storelog.sandbox.Variation;

/** {@code --vary} parsing and the environment of each round. */
class VariationPlanTest {
    @Test void none_buildsEveryRoundInNixsEnvironment() {
        VariationPlan p = VariationPlan.parse("none");
        assertTrue(p.isNone());
        assertEquals(1, p.defaultRounds());
        for (int i = 1; i <= 3; i++) assertEquals(Variation.NONE, p.forRound(i));
        assertEquals("none", p.describe(3));
    }

    @Test void standard_variesEveryKind_fromRound2_andDefaultsToTwoRounds() {
        VariationPlan p = VariationPlan.parse("standard").withHostCpus(2);
        assertEquals(List.of(Kind.values()), p.kinds());
        assertEquals(2, p.defaultRounds());
        assertEquals(Variation.NONE, p.forRound(1));
        Variation v = p.forRound(2);
        assertEquals("/tmp/nix-build-rebuild-1", v.buildDir());
        assertEquals("rebuild-1", v.hostname());
        assertEquals(30001, v.uid());
        assertEquals(30001, v.gid());
        assertEquals(OptionalInt.of(1), v.cpuCount());
        assertEquals(0077, v.umask());
        assertTrue(v.buildDirOnTmpfs());
        assertEquals("round 1: none; round 2: build-dir=/tmp/nix-build-rebuild-1,hostname=rebuild-1,ids=30001:30001,"
                + "cpus=1,umask=0077,build-dir-on-tmpfs", p.describe(2));
    }

    @Test void laterRounds_differFromEachOther_inIdsHostnameBuildDirAndUmask() {
        VariationPlan p = VariationPlan.parse("standard").withHostCpus(4);
        Variation two = p.forRound(2), three = p.forRound(3);
        assertNotEquals(two.uid(), three.uid());
        assertNotEquals(two.hostname(), three.hostname());
        assertNotEquals(two.buildDir(), three.buildDir());
        assertNotEquals(two.umask(), three.umask());
        assertEquals(OptionalInt.of(2), three.cpuCount());
    }

    @Test void list_variesOnlyTheNamedKinds_inAnyOrderAndCase() {
        VariationPlan p = VariationPlan.parse(" Umask , hostname,umask");
        assertEquals(List.of(Kind.HOSTNAME, Kind.UMASK), p.kinds());
        assertEquals(Variation.NONE.withHostname("rebuild-1").withUmask(0077), p.forRound(2));
        assertEquals("hostname,umask", p.toString());
    }

    @Test void unknownName_isRejected_listingTheValidNames() {
        var e = assertThrows(VariationPlan.UnknownVariationException.class, () -> VariationPlan.parse("hostname,timezone"));
        assertEquals("timezone", e.name());
        assertTrue(e.getMessage().contains("build-dir, hostname, ids, cpus, umask, build-dir-fs"), e.getMessage());
        assertInstanceOf(IllegalArgumentException.class, e);
    }

    @Test void emptyName_isRejected() {
        assertEquals("", assertThrows(VariationPlan.UnknownVariationException.class, () -> VariationPlan.parse("hostname,")).name());
        assertThrows(VariationPlan.UnknownVariationException.class, () -> VariationPlan.parse(""));
    }

    @Test void single_changesOneKind_toTheValueOfTheGivenRound() {
        VariationPlan p = VariationPlan.parse("standard").withHostCpus(2);
        assertEquals(Variation.NONE.withHostname("rebuild-1"), p.single(Kind.HOSTNAME, 2));
        assertEquals(Variation.NONE.withIds(30002, 30002), p.single(Kind.IDS, 3));
        assertEquals(Variation.NONE.withBuildDirOnTmpfs(true), p.single(Kind.BUILD_DIR_FS, 2));
        assertEquals(Variation.NONE, p.plain());
    }

    @Test void cpus_onAOneCpuMachine_changesNothing() {
        VariationPlan p = VariationPlan.parse("cpus").withHostCpus(1);
        assertEquals(Variation.NONE, p.forRound(2));
        assertEquals("none", p.describe(2));
    }

    @Test void fixed_keepsTheOldBehaviour_everyRoundInOneVariation() {
        Variation v = Variation.NONE.withHostname("h");
        VariationPlan p = VariationPlan.fixed(v);
        assertEquals(v, p.forRound(1));
        assertEquals(v, p.forRound(2));
        assertEquals("hostname=h", p.describe(2));
    }
}
