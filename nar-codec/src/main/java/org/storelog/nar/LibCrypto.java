package org.storelog.nar;

import org.storelog.domain.hash.HashAlgorithm;

/**
 * Hashing through OpenSSL's libcrypto. This Java 21 version never finds it: calling native code
 * needs the foreign function API, final only from Java 22, so the multi-release jar carries the
 * real implementation in {@code META-INF/versions/22} (source: {@code src/main/java22}), and on
 * Java 21 hashing falls back to the JDK's {@code MessageDigest}.
 */
final class LibCrypto {
    private LibCrypto() {}

    /** A libcrypto digester for {@code algorithm}, or null when libcrypto cannot be used. */
    static Digester digester(HashAlgorithm algorithm) {
        return null;
    }

    /** Why {@link #digester} returns null, or null when it does not. */
    static String unavailableReason() {
        return "Java " + Runtime.version().feature() + " lacks the foreign function API (final in Java 22)";
    }
}
