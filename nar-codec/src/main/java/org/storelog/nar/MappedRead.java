package org.storelog.nar;

import java.nio.file.Path;

/**
 * Hashing a large file from a mapping of it. This Java 21 version never does: mapping, leasing
 * and {@code madvise} need the foreign function API, final only from Java 22, so the
 * multi-release jar carries the real implementation in {@code META-INF/versions/22} (source:
 * {@code src/main/java22}); callers read the file instead.
 */
final class MappedRead {
    private MappedRead() {}

    /** The smallest file worth mapping. */
    static final long MIN = (long) Integer.getInteger("storelog.nar.mapMin", 4) << 20;

    /** Test hook (see the Java 22 version); never called here. */
    static volatile java.util.function.LongConsumer beforePiece;

    /** Always false (see the Java 22 version). */
    static boolean canLease(Path path) {
        return false;
    }

    /** Always -1 (not hashed from a mapping; nothing was written to {@code sink}). */
    static long hash(Path path, NarDigestSink sink) throws java.io.IOException {
        return -1;
    }

    // Placeholders for the Java 22 version's nested classes, so that the JDK's AOT cache keeps
    // them (see NativeFs). Never used here.
    @SuppressWarnings("unused") private static final class Sys {}
    @SuppressWarnings("unused") private static final class Mapping {}
}
