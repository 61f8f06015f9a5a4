package org.storelog.domain.store;

/**
 * A string that is not a valid store path, with the reason and the position (index into the
 * string that was parsed) of the first offending character. Mirrors Nix's {@code BadStorePath}.
 */
public final class InvalidStorePathException extends IllegalArgumentException {
    private final String input;
    private final String reason;
    private final int position;

    public InvalidStorePathException(String input, String reason, int position) {
        super("invalid store path '" + input + "': " + reason + " (at position " + position + ")");
        this.input = input;
        this.reason = reason;
        this.position = position;
    }

    /** The string that was rejected. */
    public String input() { return input; }

    /** Why, without the input or position. */
    public String reason() { return reason; }

    /** Index of the offending character in {@link #input()}. */
    public int position() { return position; }

    /** Same as {@link #position()}: offset into the input. */
    public int offset() { return position; }
}
