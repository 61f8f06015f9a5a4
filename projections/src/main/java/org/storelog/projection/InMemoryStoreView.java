package org.storelog.projection;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent.*;

/**
 * The store view as a plain fold over events in memory: the model the LMDB projection is checked
 * against, and the way {@code --as-of} answers are computed ({@link #replay(Iterator, long)}).
 * Not thread-safe.
 */
public final class InMemoryStoreView implements StoreProjection {

    /** Info of a valid path without its references (those live in {@link #refs}). */
    private record Info(String narHash, long narSize, String deriver, long registrationTime,
                        List<String> signatures, String ca, Origin origin) {}

    private final Map<String, Info> valid = new HashMap<>();
    private final Map<String, TreeSet<String>> refs = new HashMap<>();
    private final Map<String, TreeSet<String>> referrers = new HashMap<>();
    private final Map<String, TreeMap<String, String>> drvOutputs = new HashMap<>();
    private final Map<String, TreeSet<String>> declaringDrvs = new HashMap<>();
    private final TreeMap<String, String> roots = new TreeMap<>();
    private final Map<String, List<Long>> history = new HashMap<>();
    private final Map<String, BuildResult> builds = new HashMap<>();
    private final Map<String, CheckResult> checks = new HashMap<>();
    private long lastApplied = -1;

    /** The state after every event with sequence number ≤ {@code untilSequence} (pass {@code Long.MAX_VALUE} for all). */
    public static InMemoryStoreView replay(Iterator<LoggedEvent> events, long untilSequence) {
        InMemoryStoreView v = new InMemoryStoreView();
        List<LoggedEvent> chunk = new ArrayList<>();
        while (events.hasNext()) {
            LoggedEvent e = events.next();
            if (e.sequence() > untilSequence) break;
            chunk.add(e);
            if (chunk.size() == 10_000) { v.apply(chunk); chunk.clear(); }
        }
        v.apply(chunk);
        return v;
    }

    @Override
    public void apply(List<LoggedEvent> batch) {
        for (LoggedEvent e : batch) EventChecks.check(e);
        for (LoggedEvent e : batch) {
            if (e.sequence() <= lastApplied) continue;
            fold(e);
            lastApplied = e.sequence();
        }
    }

    @Override
    public long catchUp(Iterator<LoggedEvent> events) {
        List<LoggedEvent> chunk = new ArrayList<>();
        long applied = 0;
        while (events.hasNext()) {
            chunk.add(events.next());
            if (chunk.size() == 10_000) { applied += applyCounting(chunk); chunk.clear(); }
        }
        applied += applyCounting(chunk);
        return applied;
    }

    private long applyCounting(List<LoggedEvent> chunk) {
        long n = 0, last = lastApplied;
        for (LoggedEvent e : chunk) if (e != null && e.sequence() > last) { n++; last = e.sequence(); }
        apply(chunk);
        return n;
    }

    private void fold(LoggedEvent le) {
        long seq = le.sequence();
        List<String> subjects = le.event().subjects();
        for (String s : subjects.size() < 2 ? subjects : new LinkedHashSet<>(subjects))
            history.computeIfAbsent(s, k -> new ArrayList<>()).add(seq);
        switch (le.event()) {
            case PathRegistered r -> {
                dropReferences(r.path());
                valid.put(r.path(), new Info(r.narHash(), r.narSize(), r.deriver(), r.registrationTime(),
                        List.copyOf(new LinkedHashSet<>(r.signatures())), r.ca(), r.origin()));
                for (String ref : r.references()) addEdge(r.path(), ref);
            }
            case PathDeleted d -> {
                if (valid.remove(d.path()) != null) {
                    dropReferences(d.path());
                    TreeMap<String, String> outs = drvOutputs.remove(d.path());
                    if (outs != null) for (String out : outs.values()) removeDeclaring(out, d.path());
                }
            }
            case ReferenceAdded r -> { if (valid.containsKey(r.path())) addEdge(r.path(), r.reference()); }
            case SignatureAdded s -> {
                Info i = valid.get(s.path());
                if (i != null && !i.signatures().contains(s.signature())) {
                    List<String> sigs = new ArrayList<>(i.signatures());
                    sigs.add(s.signature());
                    valid.put(s.path(), new Info(i.narHash(), i.narSize(), i.deriver(), i.registrationTime(),
                            List.copyOf(sigs), i.ca(), i.origin()));
                }
            }
            case DerivationOutputsDeclared d -> {
                TreeMap<String, String> outs = drvOutputs.computeIfAbsent(d.drvPath(), k -> new TreeMap<>());
                for (Map.Entry<String, String> o : new TreeMap<>(d.outputs()).entrySet()) {
                    String old = outs.put(o.getKey(), o.getValue());
                    if (old != null && !outs.containsValue(old)) removeDeclaring(old, d.drvPath());
                    declaringDrvs.computeIfAbsent(o.getValue(), k -> new TreeSet<>()).add(d.drvPath());
                }
            }
            case RootAdded r -> roots.put(r.name(), r.path());
            case RootRemoved r -> roots.remove(r.name());
            case BuildSucceeded b -> builds.put(b.drvPath(), new BuildResult(seq, le.timestamp(), b.drvPath(),
                    b.buildId(), true, b.outputs(), null, b.durationMillis()));
            case BuildFailed b -> builds.put(b.drvPath(), new BuildResult(seq, le.timestamp(), b.drvPath(),
                    b.buildId(), false, Map.of(), b.reason(), b.durationMillis()));
            case RebuildCompared c -> checks.put(c.drvPath(), new CheckResult(seq, le.timestamp(), c));
            default -> { }
        }
    }

    private void addEdge(String from, String to) {
        refs.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
        referrers.computeIfAbsent(to, k -> new TreeSet<>()).add(from);
    }

    private void dropReferences(String path) {
        TreeSet<String> old = refs.remove(path);
        if (old == null) return;
        for (String to : old) {
            TreeSet<String> r = referrers.get(to);
            r.remove(path);
            if (r.isEmpty()) referrers.remove(to);
        }
    }

    private void removeDeclaring(String out, String drv) {
        TreeSet<String> d = declaringDrvs.get(out);
        if (d == null) return;
        d.remove(drv);
        if (d.isEmpty()) declaringDrvs.remove(out);
    }

    @Override public long lastAppliedSequence() { return lastApplied; }

    @Override public boolean isValid(String path) { return valid.containsKey(path); }

    @Override public List<String> validPaths() { return List.copyOf(new TreeSet<>(valid.keySet())); }

    @Override
    public Optional<RegisteredPath> info(String path) {
        Info i = valid.get(path);
        if (i == null) return Optional.empty();
        return Optional.of(new RegisteredPath(path, i.narHash(), i.narSize(), references(path), i.deriver(),
                i.registrationTime(), i.signatures(), i.ca(), i.origin()));
    }

    @Override
    public List<String> references(String path) {
        TreeSet<String> r = refs.get(path);
        return r == null ? List.of() : List.copyOf(r);
    }

    @Override
    public List<String> referrers(String path) {
        TreeSet<String> r = referrers.get(path);
        return r == null ? List.of() : List.copyOf(r);
    }

    @Override
    public List<String> requisites(Collection<String> paths) {
        return ClosureOrder.nixOrder(ClosureOrder.closure(paths, this::references), this::references);
    }

    @Override
    public List<String> referrersClosure(Collection<String> paths) {
        return ClosureOrder.nixOrder(ClosureOrder.closure(paths, this::referrers), this::references);
    }

    @Override
    public Optional<String> deriver(String path) {
        Info i = valid.get(path);
        return i == null ? Optional.empty() : Optional.ofNullable(i.deriver());
    }

    @Override
    public SortedMap<String, String> derivationOutputs(String drvPath) {
        TreeMap<String, String> o = drvOutputs.get(drvPath);
        return o == null ? new TreeMap<>() : new TreeMap<>(o);
    }

    @Override
    public List<String> validDerivers(String outputPath) {
        TreeSet<String> d = declaringDrvs.get(outputPath);
        if (d == null) return List.of();
        return d.stream().filter(valid::containsKey).toList();
    }

    @Override public SortedMap<String, String> roots() { return new TreeMap<>(roots); }

    @Override
    public List<Long> history(String path) {
        List<Long> h = history.get(path);
        return h == null ? List.of() : List.copyOf(h);
    }

    @Override public Optional<BuildResult> lastBuild(String drvPath) { return Optional.ofNullable(builds.get(drvPath)); }

    @Override public Optional<CheckResult> lastCheck(String drvPath) { return Optional.ofNullable(checks.get(drvPath)); }
}
