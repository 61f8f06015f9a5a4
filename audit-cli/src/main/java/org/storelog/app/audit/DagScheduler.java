package org.storelog.app.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Runs one task per node of a dependency graph, at most {@code jobs} at a time, never starting a
 * node before every node it depends on has finished (whatever that node's outcome: a task reports
 * its verdict elsewhere, the scheduler only orders). Among ready nodes the one planned first starts
 * first, so with one job the order is exactly the plan's. Nix's {@code Worker} in
 * {@code src/libstore/build/worker.cc} orders goals the same way (a goal waits on its subgoals).
 */
public final class DagScheduler {
    /** The work done for one node; an exception stops the run (no new node starts) and is rethrown by {@link #run}. */
    @FunctionalInterface
    public interface Task {
        void run(String node) throws Exception;
    }

    /**
     * A task in two parts: {@link #run} holds one of the {@code jobs} slots; the {@link Finish} it
     * returns (null for none) runs afterwards on a thread of its own, beside the next tasks, and the
     * node counts as finished (its dependents may start) only when that is done too. A rebuild uses
     * the slot for its sandbox and hashes and records the outputs in the finish.
     */
    @FunctionalInterface
    public interface SplitTask {
        Finish run(String node) throws Exception;
    }

    /** The second part of a {@link SplitTask}; an exception stops the run as a task's would. */
    @FunctionalInterface
    public interface Finish {
        void run() throws Exception;
    }

    /** Thrown when the graph has a cycle or a dependency that is not a node. */
    public static final class GraphException extends IllegalArgumentException {
        private final String node;

        GraphException(String message, String node) {
            super(message);
            this.node = node;
        }

        /** The node where the problem was seen. */
        public String node() { return node; }

        public String reason() { return getMessage(); }
    }

    private DagScheduler() {}

    /**
     * Runs {@code task} on every node of {@code deps} (node → the nodes it needs; the map's
     * iteration order is the plan's order). Returns when every node ran, or rethrows the first
     * failure of a task after the running ones have finished.
     */
    public static void run(Map<String, List<String>> deps, int jobs, Task task) throws Exception {
        runSplit(deps, jobs, n -> {
            task.run(n);
            return null;
        });
    }

    /**
     * As {@link #run}, with tasks in two parts ({@link SplitTask}): at most {@code jobs} first parts
     * at a time; finishes are not counted against {@code jobs}.
     */
    public static void runSplit(Map<String, List<String>> deps, int jobs, SplitTask task) throws Exception {
        if (jobs < 1) throw new IllegalArgumentException("--jobs must be at least 1");
        Map<String, Integer> order = new HashMap<>();
        for (String n : deps.keySet()) order.put(n, order.size());
        Map<String, Integer> waiting = new HashMap<>();
        Map<String, List<String>> dependents = new LinkedHashMap<>();
        for (var e : deps.entrySet()) {
            int count = 0;
            for (String d : new java.util.LinkedHashSet<>(e.getValue())) {
                if (!order.containsKey(d)) throw new GraphException(e.getKey() + " needs " + d + ", which is not planned", e.getKey());
                dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(e.getKey());
                count++;
            }
            waiting.put(e.getKey(), count);
        }
        PriorityQueue<String> ready = new PriorityQueue<>((a, b) -> Integer.compare(order.get(a), order.get(b)));
        waiting.forEach((n, c) -> { if (c == 0) ready.add(n); });

        // slotFreed: the first part ended (a slot is free); finished: the node is done, with its failure if any
        record Event(String node, boolean slotFreed, boolean finished, Exception failure) {}
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(jobs, Math.max(1, deps.size())));
        ExecutorService after = null;
        int running = 0, inFlight = 0, done = 0;
        Exception first = null;
        try {
            while (done < deps.size()) {
                while (first == null && running < jobs && !ready.isEmpty()) {
                    String n = ready.poll();
                    running++;
                    inFlight++;
                    if (after == null) after = Executors.newCachedThreadPool(r -> Thread.ofPlatform().daemon().name("dag-finish").unstarted(r));
                    ExecutorService finishers = after;
                    pool.execute(() -> {
                        Finish f;
                        try {
                            f = task.run(n);
                        } catch (Exception e) {
                            events.add(new Event(n, true, true, e));
                            return;
                        } catch (Error e) {
                            events.add(new Event(n, true, true, new RuntimeException(e)));
                            throw e;
                        }
                        if (f == null) {
                            events.add(new Event(n, true, true, null));
                            return;
                        }
                        events.add(new Event(n, true, false, null));
                        finishers.execute(() -> {
                            try {
                                f.run();
                                events.add(new Event(n, false, true, null));
                            } catch (Exception e) {
                                events.add(new Event(n, false, true, e));
                            } catch (Error e) {
                                events.add(new Event(n, false, true, new RuntimeException(e)));
                                throw e;
                            }
                        });
                    });
                }
                if (inFlight == 0) {
                    if (first != null) break;
                    throw new GraphException("dependency cycle among: " + cycleMembers(waiting), cycleMembers(waiting).get(0));
                }
                Event d = events.take();
                if (d.slotFreed()) running--;
                if (!d.finished()) continue;
                inFlight--;
                done++;
                if (d.failure() != null && first == null) first = d.failure();
                for (String up : dependents.getOrDefault(d.node(), List.of()))
                    if (waiting.merge(up, -1, Integer::sum) == 0) ready.add(up);
            }
        } finally {
            // Every thread ends before this returns: one that read LMDB must not exit while the store
            // closes (LMDB frees its reader slot when the thread exits).
            pool.shutdown();
            if (after != null) after.shutdown();
            try {
                pool.awaitTermination(10, java.util.concurrent.TimeUnit.MINUTES);
                if (after != null) after.awaitTermination(10, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (first != null) throw first;
    }

    private static List<String> cycleMembers(Map<String, Integer> waiting) {
        List<String> l = new ArrayList<>();
        waiting.forEach((n, c) -> { if (c > 0) l.add(n); });
        l.sort(null);
        return l;
    }
}
