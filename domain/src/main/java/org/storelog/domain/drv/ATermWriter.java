package org.storelog.domain.drv;

import static org.storelog.domain.drv.DrvSyntax.*;

import java.util.Collection;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import org.storelog.domain.store.StoreDir;
import org.storelog.domain.store.StorePath;

/**
 * Prints a {@link Derivation} in the {@code .drv} ATerm format, as Nix 2.8's
 * {@code Derivation::unparse} does (grammar in {@link DrvSyntax}).
 */
public final class ATermWriter {
    private ATermWriter() {}

    /** The {@code .drv} text. */
    public static String write(StoreDir dir, Derivation drv) {
        return write(dir, drv, false, null);
    }

    /**
     * The text as {@code hashDerivationModulo} hashes it: with {@code maskOutputs}, output paths
     * and the environment variables named like outputs are empty; with {@code actualInputs},
     * the input derivations are replaced by those keys (base16 hashes) and output names.
     */
    public static String write(StoreDir dir, Derivation drv, boolean maskOutputs,
                               SortedMap<String, SortedSet<String>> actualInputs) {
        StringBuilder s = new StringBuilder(estimate(drv));
        s.append(DERIVE).append(LIST_OPEN);
        boolean first = true;
        for (Map.Entry<String, DerivationOutput> e : drv.outputs().entrySet()) {
            if (!first) s.append(SEP);
            first = false;
            DerivationOutput o = e.getValue();
            s.append(TUPLE_OPEN);
            raw(s, e.getKey()).append(SEP);
            raw(s, maskOutputs || o.path().isEmpty() ? "" : o.path().get().absolute(dir)).append(SEP);
            raw(s, o.hashAlgo()).append(SEP);
            raw(s, o.hash()).append(TUPLE_CLOSE);
        }
        s.append(LIST_CLOSE).append(SEP).append(LIST_OPEN);
        first = true;
        if (actualInputs != null) {
            for (Map.Entry<String, SortedSet<String>> e : actualInputs.entrySet()) {
                if (!first) s.append(SEP);
                first = false;
                s.append(TUPLE_OPEN);
                raw(s, e.getKey()).append(SEP);
                rawList(s, e.getValue()).append(TUPLE_CLOSE);
            }
        } else {
            for (Map.Entry<StorePath, SortedSet<String>> e : drv.inputDrvs().entrySet()) {
                if (!first) s.append(SEP);
                first = false;
                s.append(TUPLE_OPEN);
                raw(s, e.getKey().absolute(dir)).append(SEP);
                rawList(s, e.getValue()).append(TUPLE_CLOSE);
            }
        }
        s.append(LIST_CLOSE).append(SEP).append(LIST_OPEN);
        first = true;
        for (StorePath p : drv.inputSrcs()) {
            if (!first) s.append(SEP);
            first = false;
            raw(s, p.absolute(dir));
        }
        s.append(LIST_CLOSE).append(SEP);
        raw(s, drv.platform()).append(SEP);
        esc(s, drv.builder()).append(SEP).append(LIST_OPEN);
        first = true;
        for (String a : drv.args()) {
            if (!first) s.append(SEP);
            first = false;
            esc(s, a);
        }
        s.append(LIST_CLOSE).append(SEP).append(LIST_OPEN);
        first = true;
        for (Map.Entry<String, String> e : drv.env().entrySet()) {
            if (!first) s.append(SEP);
            first = false;
            s.append(TUPLE_OPEN);
            esc(s, e.getKey()).append(SEP);
            esc(s, maskOutputs && drv.outputs().containsKey(e.getKey()) ? "" : e.getValue()).append(TUPLE_CLOSE);
        }
        s.append(LIST_CLOSE).append(TUPLE_CLOSE);
        return s.toString();
    }

    private static StringBuilder raw(StringBuilder s, String v) {
        return s.append(QUOTE).append(v).append(QUOTE);
    }

    private static StringBuilder rawList(StringBuilder s, Collection<String> vs) {
        s.append(LIST_OPEN);
        boolean first = true;
        for (String v : vs) {
            if (!first) s.append(SEP);
            first = false;
            raw(s, v);
        }
        return s.append(LIST_CLOSE);
    }

    private static StringBuilder esc(StringBuilder s, String v) {
        s.append(QUOTE);
        int start = 0;
        for (int i = 0; i < v.length(); i++) {
            char e = escapeOf(v.charAt(i));
            if (e != 0) {
                s.append(v, start, i).append(ESCAPE).append(e);
                start = i + 1;
            }
        }
        return s.append(v, start, v.length()).append(QUOTE);
    }

    private static int estimate(Derivation drv) {
        int n = 64 + drv.builder().length();
        for (String a : drv.args()) n += a.length() + 3;
        for (Map.Entry<String, String> e : drv.env().entrySet()) n += e.getKey().length() + e.getValue().length() + 6;
        n += (drv.outputs().size() + drv.inputDrvs().size() * 2 + drv.inputSrcs().size()) * 100;
        return n;
    }
}
