package org.storelog.app.gc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.storelog.app.Store;
import org.storelog.app.StoreException;
import org.storelog.domain.event.StoreEvent;

/**
 * Nix's permanent GC roots as {@code findRoots} in src/libstore/gc.cc (Nix 2.8) finds them under
 * {@code nix/var/nix/gcroots} and {@code nix/var/nix/profiles}: a symlink into the store is a root;
 * a symlink elsewhere (indirect roots, under {@code auto/}) is followed one step and is a root if
 * that link points into the store; a regular file named after a store path is a root. Temporary
 * and runtime roots of running processes are not visible here (see docs/gc.md).
 *
 * <p>Roots found this way are named {@code nix:} followed by the host path of the link that holds
 * them; {@link #sync} records additions and removals of such roots only.
 */
public final class NixRoots {
    public static final String PREFIX = "nix:";

    private NixRoots() {}

    /** Root name → logical store path of the valid paths Nix's roots point at. */
    public static Map<String, String> scan(Path nixRoot, String storeDir, java.util.function.Predicate<String> isValid) {
        Map<String, String> roots = new TreeMap<>();
        for (String sub : List.of("nix/var/nix/gcroots", "nix/var/nix/profiles")) {
            Path top = nixRoot.resolve(sub);
            if (Files.isDirectory(top, LinkOption.NOFOLLOW_LINKS)) walk(top, storeDir, isValid, roots);
        }
        return roots;
    }

    private static void walk(Path dir, String storeDir, java.util.function.Predicate<String> isValid, Map<String, String> roots) {
        List<Path> entries = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(entries::add);
        } catch (IOException e) {
            return; // unreadable directories are skipped, as Nix skips them with a warning
        }
        for (Path p : entries) {
            try {
                if (Files.isSymbolicLink(p)) {
                    String target = Files.readSymbolicLink(p).toString();
                    String sp = storePathOf(target, storeDir);
                    if (sp != null) {
                        if (isValid.test(sp)) roots.put(PREFIX + p, sp);
                        continue;
                    }
                    Path indirect = p.getParent().resolve(target).normalize();
                    if (!Files.isSymbolicLink(indirect)) continue;
                    String sp2 = storePathOf(Files.readSymbolicLink(indirect).toString(), storeDir);
                    if (sp2 != null && isValid.test(sp2)) roots.put(PREFIX + indirect, sp2);
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    walk(p, storeDir, isValid, roots);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    String sp = storeDir + "/" + p.getFileName();
                    if (isValid.test(sp)) roots.put(PREFIX + p, sp);
                }
            } catch (IOException e) {
                // a link that vanished while scanning is no root
            }
        }
    }

    /** The store path a link target lies in (the target itself or below it), or null. */
    static String storePathOf(String target, String storeDir) {
        if (!target.startsWith(storeDir + "/")) return null;
        String rest = target.substring(storeDir.length() + 1);
        int slash = rest.indexOf('/');
        String base = slash < 0 ? rest : rest.substring(0, slash);
        return base.isEmpty() ? null : storeDir + "/" + base;
    }

    /** Records RootAdded/RootRemoved so the store's {@code nix:} roots equal Nix's now; returns the number of changes. */
    public static int sync(Store store) {
        if (!store.config().attached()) throw new StoreException(1, "Nix's GC roots are only read for an attached store");
        Map<String, String> found = scan(Path.of(store.config().nixRoot()), store.config().storeDir(), store.view()::isValid);
        List<StoreEvent> batch = new ArrayList<>();
        store.view().roots().forEach((name, path) -> {
            if (name.startsWith(PREFIX) && !path.equals(found.get(name))) batch.add(new StoreEvent.RootRemoved(name, path));
        });
        Map<String, String> current = store.view().roots();
        found.forEach((name, path) -> {
            if (!path.equals(current.get(name))) batch.add(new StoreEvent.RootAdded(name, path));
        });
        if (!batch.isEmpty()) store.commit(batch);
        return batch.size();
    }
}
