package org.storelog.app;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.WithNull;

/** {@code config.properties} as {@link StoreConfig#save} writes it reads back as it was, by us and by {@link Properties}. */
class StoreConfigProperties {
    @Property(tries = 300)
    void saveThenLoad_givesTheSameConfig(@ForAll("values") String storeDir, @ForAll("values") String physical,
                                        @ForAll("values") @WithNull(0.3) String nixRoot, @ForAll boolean attached)
            throws IOException {
        StoreConfig c = new StoreConfig(storeDir, attached ? StoreConfig.ATTACHED : StoreConfig.STANDALONE, physical, nixRoot);
        Path dir = Files.createTempDirectory("storelog-config");
        try {
            Path file = dir.resolve("config.properties");
            c.save(file);
            assertEquals(c, StoreConfig.load(file));
            Properties p = new Properties();
            p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            assertEquals(storeDir, p.getProperty("storeDir"));
            assertEquals(physical, p.getProperty("physicalStore"));
            assertEquals(nixRoot, p.getProperty("nixRoot"));
            assertFalse(Files.exists(dir.resolve("config.properties.tmp")));
        } finally {
            try (var s = Files.list(dir)) {
                for (Path f : s.toList()) Files.delete(f);
            }
            Files.delete(dir);
        }
    }

    /** Paths with what a properties file must escape: backslashes, separators, comment marks, blanks, line ends, non-ASCII. */
    @Provide
    Arbitrary<String> values() {
        Arbitrary<String> tricky = Arbitraries.strings()
                .withChars('/', '\\', '=', ':', '#', '!', ' ', '\t', '\n', '\r', '\f', 'a', 'é', '中', '\u0000', 'u')
                .ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> any = Arbitraries.strings().all().excludeChars(surrogates()).ofMinLength(1).ofMaxLength(20);
        return Arbitraries.oneOf(tricky, any, Arbitraries.of("/nix/store", "/tmp/x y/nix/store", " /lead", "C:\\store"));
    }

    private static char[] surrogates() {
        char[] s = new char[0xE000 - 0xD800];
        for (int i = 0; i < s.length; i++) s[i] = (char) (0xD800 + i);
        return s;
    }
}
