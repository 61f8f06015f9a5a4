package org.storelog.app.audit;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DagSchedulerTest {
    /** a ← b, a ← c, b, c ← d, d ← e (listed inputs first), plus an unrelated x. */
    static Map<String, List<String>> diamondAndChain() {
        Map<String, List<String>> g = new LinkedHashMap<>();
        g.put("a", List.of());
        g.put("b", List.of("a"));
        g.put("c", List.of("a"));
        g.put("d", List.of("b", "c"));
        g.put("e", List.of("d"));
        g.put("x", List.of());
        return g;
    }

    @Test
    void oneJob_runsInPlanOrder() throws Exception {
        List<String> order = new ArrayList<>();
        DagScheduler.run(diamondAndChain(), 1, order::add);
        assertEquals(List.of("a", "b", "c", "d", "e", "x"), order);
    }

    @Test
    void manyJobs_neverStartANodeBeforeItsInputsFinished_andRunEachOnce() throws Exception {
        Map<String, List<String>> g = diamondAndChain();
        for (int round = 0; round < 20; round++) {
            Set<String> finished = ConcurrentHashMap.newKeySet();
            List<String> started = Collections.synchronizedList(new ArrayList<>());
            DagScheduler.run(g, 3, n -> {
                for (String in : g.get(n)) assertTrue(finished.contains(in), n + " started before " + in);
                started.add(n);
                Thread.sleep(n.equals("x") ? 5 : 1);
                finished.add(n);
            });
            assertEquals(6, started.size());
            assertEquals(Set.copyOf(g.keySet()), Set.copyOf(started));
        }
    }

    @Test
    void independentNodes_runInParallel_upToTheJobCount() throws Exception {
        Map<String, List<String>> g = new LinkedHashMap<>();
        for (String n : List.of("p", "q", "r")) g.put(n, List.of());
        CountDownLatch both = new CountDownLatch(2);
        AtomicInteger running = new AtomicInteger(), most = new AtomicInteger();
        DagScheduler.run(g, 2, n -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            both.countDown();
            both.await(10, TimeUnit.SECONDS); // the first two meet: they ran at the same time
            running.decrementAndGet();
        });
        assertEquals(2, most.get());
    }

    @Test
    void aFailingTask_stopsNewStarts_andIsRethrownAfterTheRunningOnesFinish() {
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        var e = assertThrows(java.io.IOException.class, () -> DagScheduler.run(diamondAndChain(), 1, n -> {
            ran.add(n);
            if (n.equals("b")) throw new java.io.IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals(List.of("a", "b"), ran);
    }

    @Test
    void aCycle_orAnUnplannedInput_isAGraphException() {
        Map<String, List<String>> cycle = new LinkedHashMap<>();
        cycle.put("a", List.of("b"));
        cycle.put("b", List.of("a"));
        var c = assertThrows(DagScheduler.GraphException.class, () -> DagScheduler.run(cycle, 2, n -> {}));
        assertTrue(c.reason().contains("cycle"), c.reason());
        var u = assertThrows(DagScheduler.GraphException.class, () -> DagScheduler.run(Map.of("a", List.of("zz")), 1, n -> {}));
        assertEquals("a", u.node());
    }

    @Test
    void splitTask_finishRunsBesideTheNextSlot_andDependentsWaitForTheFinish() throws Exception {
        // a and x are independent, b needs a; one job. a's finish waits until x's first part has run:
        // it only can if the finish does not hold the slot. b must not start before a's finish is done.
        Map<String, List<String>> g = new LinkedHashMap<>();
        g.put("a", List.of());
        g.put("x", List.of());
        g.put("b", List.of("a"));
        CountDownLatch xStarted = new CountDownLatch(1);
        Set<String> finished = ConcurrentHashMap.newKeySet();
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        DagScheduler.runSplit(g, 1, n -> {
            for (String in : g.get(n)) assertTrue(finished.contains(in), n + " started before the finish of " + in);
            events.add("run " + n);
            if (n.equals("x")) xStarted.countDown();
            return () -> {
                if (n.equals("a")) assertTrue(xStarted.await(10, TimeUnit.SECONDS), "x never ran beside a's finish");
                events.add("finish " + n);
                finished.add(n);
            };
        });
        assertEquals(Set.of("a", "x", "b"), finished);
        assertTrue(events.indexOf("run x") < events.indexOf("finish a"), events.toString());
        assertTrue(events.indexOf("finish a") < events.indexOf("run b"), events.toString());
    }

    @Test
    void splitTask_aFailingFinish_stopsNewStarts_andIsRethrown() {
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        var e = assertThrows(java.io.IOException.class, () -> DagScheduler.runSplit(diamondAndChain(), 1, n -> {
            ran.add(n);
            return () -> {
                if (n.equals("a")) throw new java.io.IOException("cannot hash");
            };
        }));
        assertEquals("cannot hash", e.getMessage());
        assertFalse(ran.contains("b") || ran.contains("c") || ran.contains("d") || ran.contains("e"), ran.toString());
    }
}
