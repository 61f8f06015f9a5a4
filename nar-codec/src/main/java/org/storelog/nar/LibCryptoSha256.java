package org.storelog.nar;

/**
 * Placeholder for the Java 22+ class of the same name ({@code src/main/java22}), which hashes
 * SHA-256 through libcrypto's {@code SHA256_Update}; never used on Java 21 ({@link LibCrypto}
 * finds no libcrypto there). It exists because the JDK's AOT cache keeps a class of a
 * multi-release jar's versioned directory only when the jar also has the class at its base
 * location: without this file, every start on Java 22+ would load and verify the class from
 * the jar, opening the jars before it on the class path (~10 ms).
 */
final class LibCryptoSha256 {
    private LibCryptoSha256() {}
}
