package org.storelog.domain.drv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.storelog.domain.store.StoreDir;
import org.storelog.domain.store.StorePath;

/** Reading {@code .drv} files from disk, and resolvers that find input derivations in directories. */
public final class DrvFiles {
    private DrvFiles() {}

    /**
     * Reads and parses {@code file}. The derivation name is taken from the file name when it is a
     * store path ({@code <hash>-<name>.drv}), else from the {@code name} environment variable,
     * else from the file name without {@code .drv}. Format errors name the file.
     */
    public static Derivation read(StoreDir dir, Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String fileName = file.getFileName().toString();
        String provisional = nameFromFileName(fileName);
        Derivation d;
        try {
            d = ATermParser.parse(dir, provisional == null ? "unnamed" : provisional, bytes);
        } catch (DerivationFormatException e) {
            throw e.withSource(file.toString());
        }
        if (provisional != null) return d;
        String envName = d.env().get("name");
        if (envName != null && StorePath.isValidBaseName("00000000000000000000000000000000-" + envName))
            return d.withName(envName);
        String stem = fileName.endsWith(StorePath.DRV_EXTENSION)
                ? fileName.substring(0, fileName.length() - StorePath.DRV_EXTENSION.length()) : fileName;
        return d.withName(stem);
    }

    /** {@code name} of a store path file name {@code <hash>-<name>.drv}, or null. */
    public static String nameFromFileName(String fileName) {
        if (!fileName.endsWith(StorePath.DRV_EXTENSION) || !StorePath.isValidBaseName(fileName)) return null;
        String n = StorePath.fromBaseName(fileName).name();
        return n.substring(0, n.length() - StorePath.DRV_EXTENSION.length());
    }

    /**
     * A resolver that loads {@code <dir>/<baseName>} from the first of {@code directories} that
     * has it; throws {@link InvalidDerivationException} when none has.
     */
    public static Function<StorePath, Derivation> resolver(StoreDir dir, List<Path> directories) {
        return p -> {
            for (Path d : directories) {
                Path f = d.resolve(p.baseName());
                if (Files.isRegularFile(f)) {
                    try {
                        return read(dir, f);
                    } catch (NoSuchFileException e) {
                        continue;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            throw new InvalidDerivationException("input derivation " + p.absolute(dir) + " not found in " + directories);
        };
    }
}
