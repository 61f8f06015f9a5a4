package org.storelog.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.storelog.app.Store;
import org.storelog.app.StoreException;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.hash.Hash;
import org.storelog.projection.InMemoryStoreView;
import org.storelog.projection.PackedGraph;
import org.storelog.projection.RegisteredPath;
import org.storelog.projection.StoreView;
import picocli.CommandLine.Model.CommandSpec;

/** {@code audit query}; its model is built in code for start-up ({@link CommandSpecs}). */
final class QueryCommand implements Callable<Integer> {
    enum Kind {
        valid, info, references, referrers, requisites, @SuppressWarnings("unused") referrers_closure, deriver, outputs;
    }

    private final CommandSpec spec;
    String kind;
    List<String> args;
    String asOf;
    boolean json;

    private QueryCommand() {
        spec = CommandSpecs.command(this, "query",
                "Answer what 'nix-store -q' answers, from the projections (or from a replayed past state with --as-of).",
                "Plain output is one store path per line on stdout; 'valid' exits 1 if any path is not valid.");
        spec.addPositional(CommandSpecs.positional(CommandSpecs.<String>bind(() -> kind, v -> kind = v), String.class)
                .index("0").arity("1").required(true).paramLabel("KIND").description("valid | info | references | referrers | requisites | referrers-closure | deriver | outputs")
                .build());
        spec.addPositional(CommandSpecs.positional(CommandSpecs.<List<String>>bind(() -> args, v -> args = v), List.class)
                .auxiliaryTypes(String.class).index("1..*").arity("1..*").required(true).paramLabel("PATH").build());
        spec.addOption(CommandSpecs.option(CommandSpecs.<String>bind(() -> asOf, v -> asOf = v), String.class, "--as-of")
                .paramLabel("SEQ|TIME").description("Answer as the store was after event SEQ, or at TIME.").build());
        spec.addOption(CommandSpecs.option(CommandSpecs.<Boolean>bind(() -> json, v -> json = v), boolean.class, "--json")
                .description("Print JSON.").build());
    }

    /** A new model of the command (with a new command object). */
    static CommandSpec spec() { return new QueryCommand().spec; }

    @Override
    public Integer call() {
        Kind k;
        try {
            k = Kind.valueOf(kind.replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new StoreException(64, "unknown query '" + kind
                    + "'; expected valid, info, references, referrers, requisites, referrers-closure, deriver or outputs");
        }
        try (Store store = Store.open(Audit.state(spec), false)) {
            StoreView view = store.view();
            if (asOf != null) {
                long until = AsOf.parse(asOf).resolve(store.log());
                try (Stream<LoggedEvent> events = store.log().read(0)) {
                    view = InMemoryStoreView.replay(events.iterator(), until);
                }
            }
            List<String> paths = new ArrayList<>();
            for (String a : args) paths.add(StoreArgs.storePath(store.config(), a));
            return answer(k, view, paths);
        }
    }

    private int answer(Kind k, StoreView view, List<String> paths) {
        if (k == Kind.valid) {
            List<String> ok = paths.stream().filter(view::isValid).toList();
            if (json) Json.print(Map.of("valid", ok, "invalid", paths.stream().filter(p -> !view.isValid(p)).toList()));
            else ok.forEach(System.out::println);
            return ok.size() == paths.size() ? 0 : 1;
        }
        if (k == Kind.info) return info(view, paths);
        if (k != Kind.outputs)
            for (String p : paths)
                if (!view.isValid(p)) throw new StoreException(1, "path '" + p + "' is not valid");
        if (k == Kind.referrers_closure && !json && asOf == null) {
            // Large closures (most of the store): walk the packed graph and print its names, no String per path.
            PackedGraph g = view.graph();
            int[] start = new int[paths.size()];
            boolean all = true;
            for (int i = 0; i < start.length; i++) all &= (start[i] = g.node(paths.get(i))) >= 0;
            if (all) {
                try {
                    g.writeLines(g.closureInNixOrder(start, false), System.out);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return 0;
            }
        }
        List<String> out = switch (k) {
            case references -> union(paths, view::references);
            case referrers -> union(paths, view::referrers);
            case requisites -> view.requisites(paths);
            case referrers_closure -> view.referrersClosure(paths);
            case deriver -> paths.stream().map(p -> view.deriver(p).orElse("unknown-deriver")).toList();
            case outputs -> outputs(view, paths);
            default -> throw new IllegalStateException(k.name());
        };
        if (json) Json.print(out);
        else {
            StringBuilder sb = new StringBuilder();
            for (String s : out) sb.append(s).append('\n');
            System.out.print(sb);
        }
        return 0;
    }

    private static List<String> union(List<String> paths, java.util.function.Function<String, List<String>> f) {
        TreeSet<String> all = new TreeSet<>();
        for (String p : paths) all.addAll(f.apply(p));
        return new ArrayList<>(all);
    }

    private static List<String> outputs(StoreView view, List<String> paths) {
        List<String> out = new ArrayList<>();
        for (String p : paths) {
            if (!p.endsWith(".drv")) {
                if (!view.isValid(p)) throw new StoreException(1, "path '" + p + "' is not valid");
                out.add(p);
                continue;
            }
            var outs = view.derivationOutputs(p);
            if (outs.isEmpty())
                throw new StoreException(1, "no outputs are recorded for " + p + " (is it a valid derivation?)");
            out.addAll(new TreeSet<>(outs.values()));
        }
        return out;
    }

    /** {@code nix path-info --json} shape: narHash in SRI form, invalid paths as {"path", "valid": false}. */
    private int info(StoreView view, List<String> paths) {
        List<Map<String, Object>> docs = new ArrayList<>();
        int rc = 0;
        for (String p : paths) {
            var info = view.info(p);
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("path", p);
            if (info.isEmpty()) {
                d.put("valid", false);
                rc = 1;
            } else {
                RegisteredPath i = info.get();
                d.put("narHash", Hash.parse(i.narHash()).toSri());
                d.put("narSize", i.narSize());
                d.put("references", i.references());
                if (i.deriver() != null) d.put("deriver", i.deriver());
                if (i.ca() != null) d.put("ca", i.ca());
                d.put("registrationTime", i.registrationTime());
                if (!i.signatures().isEmpty()) d.put("signatures", i.signatures());
            }
            docs.add(d);
        }
        if (json) {
            Json.print(docs);
        } else {
            for (var d : docs) {
                System.out.println(d.get("path"));
                if (Boolean.FALSE.equals(d.get("valid"))) {
                    System.out.println("  not valid");
                    continue;
                }
                RegisteredPath i = view.info((String) d.get("path")).orElseThrow();
                System.out.println("  NAR hash:     " + i.narHash());
                System.out.println("  NAR size:     " + i.narSize());
                System.out.println("  deriver:      " + (i.deriver() == null ? "-" : i.deriver()));
                System.out.println("  registered:   " + java.time.Instant.ofEpochSecond(i.registrationTime())
                        + " (" + i.origin().name().toLowerCase(java.util.Locale.ROOT) + ")");
                if (i.ca() != null) System.out.println("  ca:           " + i.ca());
                System.out.println("  references:   " + i.references().size());
                for (String r : i.references()) System.out.println("    " + r);
                for (String s : i.signatures()) System.out.println("  signature:    " + s);
            }
        }
        return rc;
    }
}
