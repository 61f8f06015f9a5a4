package org.storelog.app.audit;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.storelog.domain.drv.Derivation;
import org.storelog.domain.drv.DrvFiles;
import org.storelog.domain.store.StoreDir;
import org.storelog.projection.StoreView;

/**
 * What {@code audit rebuild --check} checks, and in which order. Without {@code --closure}, one
 * node per argument, unrelated. With it, the build closure of each argument, as
 * {@code nix-store -qR} of its {@code .drv} would give it: the argument's derivation (its deriver
 * when it is an output path) and every input derivation, recursively, read from the {@code .drv}
 * files, each once, inputs before the derivations that use them. An argument or input that cannot
 * be resolved (unknown path, no deriver, unreadable {@code .drv}) stays a node without inputs; the
 * check itself then says why it is inconclusive.
 */
public final class ClosurePlan {
    /** One check: {@code subject} is what is handed to the checker, {@code inputs} index earlier nodes. */
    public record Node(String subject, List<Integer> inputs) {
        public Node {
            inputs = List.copyOf(inputs);
        }
    }

    private final List<Node> nodes;

    private ClosurePlan(List<Node> nodes) { this.nodes = List.copyOf(nodes); }

    /** Nodes in dependency order: every node's inputs come before it. */
    public List<Node> nodes() { return nodes; }

    public int size() { return nodes.size(); }

    /** Node index (as a string) → indices of its inputs, in plan order, for {@link DagScheduler}. */
    public Map<String, List<String>> graph() {
        Map<String, List<String>> g = new LinkedHashMap<>();
        for (int i = 0; i < nodes.size(); i++)
            g.put(String.valueOf(i), nodes.get(i).inputs().stream().map(String::valueOf).toList());
        return g;
    }

    /** Each argument on its own, in the order given (duplicates included, as before). */
    public static ClosurePlan batch(List<String> subjects) {
        return new ClosurePlan(subjects.stream().map(s -> new Node(s, List.of())).toList());
    }

    /**
     * The build closures of {@code subjects}. {@code physical} maps a store path to the file that
     * holds it (the store's {@code StoreConfig.physical}).
     */
    public static ClosurePlan closure(List<String> subjects, StoreView view, StoreDir dir, Function<String, Path> physical) {
        Map<String, Integer> index = new HashMap<>();
        List<Node> out = new ArrayList<>();
        for (String s : subjects) {
            String root = derivationOf(s, view);
            if (root == null) {
                // unknown path or no deriver: checked as given, so the check names the problem
                if (!index.containsKey(s)) {
                    index.put(s, out.size());
                    out.add(new Node(s, List.of()));
                }
                continue;
            }
            visit(root, root.equals(s) ? root : s, view, dir, physical, index, out);
        }
        return new ClosurePlan(out);
    }

    /** The derivation to check for {@code subject}, or null when there is none to follow. */
    private static String derivationOf(String subject, StoreView view) {
        if (!view.isValid(subject)) return null;
        if (subject.endsWith(".drv")) return subject;
        return view.deriver(subject).filter(view::isValid).orElse(null);
    }

    /** Iterative post-order walk from {@code root} (closures can be thousands deep). */
    private static void visit(String root, String rootSubject, StoreView view, StoreDir dir, Function<String, Path> physical,
                              Map<String, Integer> index, List<Node> out) {
        if (index.containsKey(root)) return;
        record Frame(String drv, List<String> inputs, Iterator<String> next) {}
        Map<String, Boolean> onPath = new HashMap<>();
        Deque<Frame> stack = new ArrayDeque<>();
        List<String> rootInputs = inputsOf(root, view, dir, physical);
        stack.push(new Frame(root, rootInputs, rootInputs.iterator()));
        onPath.put(root, true);
        while (!stack.isEmpty()) {
            Frame f = stack.peek();
            if (f.next().hasNext()) {
                String in = f.next().next();
                if (index.containsKey(in) || onPath.containsKey(in)) continue; // done, or a cycle (impossible for real .drv files)
                List<String> ins = inputsOf(in, view, dir, physical);
                stack.push(new Frame(in, ins, ins.iterator()));
                onPath.put(in, true);
                continue;
            }
            stack.pop();
            onPath.remove(f.drv());
            List<Integer> deps = new ArrayList<>();
            for (String in : f.inputs()) {
                Integer i = index.get(in);
                if (i != null && !deps.contains(i)) deps.add(i);
            }
            index.put(f.drv(), out.size());
            out.add(new Node(f.drv().equals(root) ? rootSubject : f.drv(), deps));
        }
    }

    /** Input derivations named by the {@code .drv} file, or none when it cannot be read. */
    private static List<String> inputsOf(String drvPath, StoreView view, StoreDir dir, Function<String, Path> physical) {
        if (!view.isValid(drvPath)) return List.of();
        try {
            Derivation d = DrvFiles.read(dir, physical.apply(drvPath));
            return d.inputDrvs().keySet().stream().map(p -> p.absolute(dir)).toList();
        } catch (java.io.IOException | RuntimeException e) {
            return List.of(); // the check of this node reports why it cannot be read
        }
    }

    /** The name part of a store path, for progress: {@code /nix/store/<hash>-hello-2.12.drv} → {@code hello-2.12}. */
    public static String namePart(String path) {
        if (path == null) return "";
        String base = path.substring(path.lastIndexOf('/') + 1);
        int dash = base.indexOf('-');
        if (dash == 32) base = base.substring(dash + 1);
        return base.endsWith(".drv") ? base.substring(0, base.length() - 4) : base;
    }
}
