package org.storelog.domain.store;

/**
 * How a fixed-output or added path's content was hashed (Nix's {@code FileIngestionMethod}):
 * the flat file contents, or the NAR serialisation of a tree ({@code r:} prefix).
 */
public enum FileIngestionMethod {
    FLAT(""),
    RECURSIVE("r:");

    private final String prefix;

    FileIngestionMethod(String prefix) { this.prefix = prefix; }

    /** {@code ""} or {@code "r:"}, as in {@code makeFileIngestionPrefix}. */
    public String prefix() { return prefix; }
}
