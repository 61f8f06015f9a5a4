package org.storelog.domain.drv;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.storelog.domain.store.StoreDir;
import org.storelog.domain.store.StorePath;
import org.storelog.testsupport.ExternalTools;

/** Every {@code .drv} that Nix wrote into this machine's {@code /nix/store} round-trips and re-derives its paths. */
class NixStoreDrvRoundTripTest {
    private static final StoreDir NIX = StoreDir.DEFAULT;

    @Test
    void everyDrvInNixStore_printsBackByteForByte_andHasItsOwnPathAndOutputs() throws IOException {
        ExternalTools.require("nix-store");
        Path store = Path.of(NIX.path());
        List<Path> drvs;
        try (Stream<Path> s = Files.list(store)) {
            drvs = s.filter(p -> p.getFileName().toString().endsWith(".drv")).sorted().toList();
        }
        assertFalse(drvs.isEmpty(), "no .drv files in /nix/store");
        // a .drv being written by a concurrent nix-instantiate is not valid yet: leave it out
        List<String> args = new java.util.ArrayList<>(List.of("nix-store", "--check-validity", "--print-invalid"));
        drvs.forEach(p -> args.add(p.toString()));
        java.util.Set<String> invalid = new java.util.HashSet<>(ExternalTools.run(args).ok().out().lines().toList());
        drvs = drvs.stream().filter(p -> !invalid.contains(p.toString())).toList();
        DerivationHasher hasher = new DerivationHasher(NIX, DrvFiles.resolver(NIX, List.of(store)));
        for (Path f : drvs) {
            byte[] bytes = Files.readAllBytes(f);
            Derivation d = DrvFiles.read(NIX, f);
            assertEquals(new String(bytes, StandardCharsets.UTF_8), ATermWriter.write(NIX, d), f + " round trip");
            assertEquals(f.getFileName().toString(), OutputPaths.drvPath(NIX, d).baseName(), f + " drv path");
            Map<String, StorePath> stated = new TreeMap<>();
            d.outputs().forEach((k, v) -> stated.put(k, v.path().orElseThrow()));
            assertEquals(stated, new TreeMap<>(OutputPaths.compute(d, hasher)), f + " output paths");
        }
    }
}
