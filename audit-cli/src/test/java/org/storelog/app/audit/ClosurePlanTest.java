package org.storelog.app.audit;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.domain.store.StoreDir;
import org.storelog.projection.StoreView;

/** The build closure read from {@code .drv} files (written here in Nix's ATerm form), without a sandbox. */
class ClosurePlanTest {
    @TempDir Path tmp;
    final Map<String, String> derivers = new HashMap<>();
    final Set<String> valid = new java.util.HashSet<>();

    static String hash(int i) {
        String alphabet = "0123456789abcdfghijklmnpqrsvwxyz";
        StringBuilder b = new StringBuilder();
        for (int k = 0, n = i; k < 32; k++, n /= 32) b.append(alphabet.charAt(n % 32));
        return b.toString();
    }

    /** Writes {@code name.drv} with output {@code name} and the given input derivations; registers both as valid. */
    String drv(int id, String name, String... inputs) throws Exception {
        String drvPath = "/nix/store/" + hash(id) + "-" + name + ".drv";
        String out = "/nix/store/" + hash(id + 1_000_000) + "-" + name;
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < inputs.length; i++)
            in.append(i == 0 ? "" : ",").append("(\"").append(inputs[i]).append("\",[\"out\"])");
        String aterm = "Derive([(\"out\",\"" + out + "\",\"\",\"\")],[" + in + "],[],\"x86_64-linux\",\"/bin/sh\",[],"
                + "[(\"name\",\"" + name + "\"),(\"out\",\"" + out + "\")])";
        Files.writeString(physical(drvPath), aterm);
        valid.add(drvPath);
        valid.add(out);
        derivers.put(out, drvPath);
        return drvPath;
    }

    Path physical(String p) { return tmp.resolve(p.substring(p.lastIndexOf('/') + 1)); }

    String outOf(String drv) {
        return derivers.entrySet().stream().filter(e -> e.getValue().equals(drv)).findFirst().orElseThrow().getKey();
    }

    StoreView view() {
        return (StoreView) Proxy.newProxyInstance(StoreView.class.getClassLoader(), new Class<?>[] {StoreView.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "isValid" -> valid.contains((String) args[0]);
                    case "deriver" -> Optional.ofNullable(derivers.get((String) args[0]));
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    ClosurePlan closure(String... subjects) {
        return ClosurePlan.closure(List.of(subjects), view(), StoreDir.DEFAULT, this::physical);
    }

    static List<String> subjects(ClosurePlan p) { return p.nodes().stream().map(ClosurePlan.Node::subject).toList(); }

    @Test
    void chainAndDiamond_eachOnce_inputsFirst_withTheOutputPathAsTheRootsSubject() throws Exception {
        String a = drv(1, "a"), b = drv(2, "b", a), c = drv(3, "c", a), d = drv(4, "d", b, c), e = drv(5, "e", d);
        ClosurePlan p = closure(outOf(e));
        assertEquals(List.of(a, b, c, d, outOf(e)), subjects(p));
        assertEquals(List.of(List.of(), List.of(0), List.of(0), List.of(1, 2), List.of(3)),
                p.nodes().stream().map(ClosurePlan.Node::inputs).toList());
        assertEquals(List.of("1", "2"), p.graph().get("3"));
    }

    @Test
    void severalArguments_sharingInputs_checkEachDerivationOnce() throws Exception {
        String a = drv(1, "a"), b = drv(2, "b", a), c = drv(3, "c", a);
        ClosurePlan p = closure(b, c, outOf(b), a);
        assertEquals(List.of(a, b, c), subjects(p));
    }

    @Test
    void unresolvableArguments_andMissingInputs_stayNodesForTheCheckToExplain() throws Exception {
        String gone = "/nix/store/" + hash(77) + "-gone.drv";
        String a = drv(1, "a", gone);
        String unknown = "/nix/store/" + hash(99) + "-nowhere";
        String source = "/nix/store/" + hash(98) + "-source";
        valid.add(source);
        ClosurePlan p = closure(unknown, source, a, unknown);
        assertEquals(List.of(unknown, source, gone, a), subjects(p));
        assertEquals(List.of(2), p.nodes().get(3).inputs());
    }

    @Test
    void aDeepChain_isWalkedWithoutRecursion() throws Exception {
        List<String> chain = new ArrayList<>();
        chain.add(drv(1, "link"));
        for (int i = 1; i < 5000; i++) chain.add(drv(i + 1, "link", chain.get(i - 1)));
        ClosurePlan p = closure(chain.get(chain.size() - 1));
        assertEquals(chain, subjects(p));
    }

    @Test
    void batch_keepsArgumentsAsGiven() {
        ClosurePlan p = ClosurePlan.batch(List.of("x", "y", "x"));
        assertEquals(List.of("x", "y", "x"), subjects(p));
        assertTrue(p.graph().values().stream().allMatch(List::isEmpty));
    }

    @Test
    void namePart_dropsStoreDirHashAndDrvSuffix() {
        assertEquals("hello-2.12", ClosurePlan.namePart("/nix/store/" + hash(1) + "-hello-2.12.drv"));
        assertEquals("hello-2.12", ClosurePlan.namePart("/nix/store/" + hash(1) + "-hello-2.12"));
        assertEquals("odd", ClosurePlan.namePart("odd"));
    }
}
