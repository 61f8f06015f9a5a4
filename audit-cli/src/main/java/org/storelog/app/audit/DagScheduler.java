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

        record Done(String node, Exception failure) {}
        BlockingQueue<Done> finished = new LinkedBlockingQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(jobs, Math.max(1, deps.size())));
        int running = 0, done = 0;
        Exception first = null;
        try {
            while (done < deps.size()) {
                while (first == null && running < jobs && !ready.isEmpty()) {
                    String n = ready.poll();
                    running++;
                    pool.execute(() -> {
                        try {
                            task.run(n);
                            finished.add(new Done(n, null));
                        } catch (Exception e) {
                            finished.add(new Done(n, e));
                        } catch (Error e) {
                            finished.add(new Done(n, new RuntimeException(e)));
                            throw e;
                        }
                    });
                }
                if (running == 0) {
                    if (first != null) break;
                    throw new GraphException("dependency cycle among: " + cycleMembers(waiting), cycleMembers(waiting).get(0));
                }
                Done d = finished.take();
                running--;
                done++;
                if (d.failure() != null && first == null) first = d.failure();
                for (String up : dependents.getOrDefault(d.node(), List.of()))
                    if (waiting.merge(up, -1, Integer::sum) == 0) ready.add(up);
            }
        } finally {
            pool.shutdown();
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
