package org.storelog.domain.hash;

/**
 * Nix's base-32 encoding (mirrors {@code src/libutil/hash.cc}: {@code printHash32} / {@code parseHash32}).
 *
 * <p>Alphabet {@code 0123456789abcdfghijklmnpqrsvwxyz} (no e, o, u, t). Unlike RFC 4648 the
 * bytes are consumed from the <em>end</em>: character {@code k} (from the left) of a string of
 * length {@code L} holds the five bits starting at bit {@code 5*(L-1-k)} of the little-endian
 * bit string of the input.
 */
public final class NixBase32 {
    public static final String ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";
    private static final byte[] DECODE = new byte[128];

    static {
        java.util.Arrays.fill(DECODE, (byte) -1);
        for (int i = 0; i < ALPHABET.length(); i++) DECODE[ALPHABET.charAt(i)] = (byte) i;
    }

    private NixBase32() {}

    /** Length of the encoding of {@code byteCount} bytes. */
    public static int encodedLength(int byteCount) {
        return byteCount == 0 ? 0 : (byteCount * 8 - 1) / 5 + 1;
    }

    public static String encode(byte[] bytes) {
        int len = encodedLength(bytes.length);
        char[] out = new char[len];
        for (int n = len - 1; n >= 0; n--) {
            int b = n * 5;
            int i = b / 8;
            int j = b % 8;
            int c = (bytes[i] & 0xff) >>> j;
            if (i + 1 < bytes.length) c |= (bytes[i + 1] & 0xff) << (8 - j);
            out[len - 1 - n] = ALPHABET.charAt(c & 0x1f);
        }
        return new String(out);
    }

    /** True if every character is in the alphabet. */
    public static boolean isValid(CharSequence s) {
        for (int k = 0; k < s.length(); k++) {
            char ch = s.charAt(k);
            if (ch >= 128 || DECODE[ch] < 0) return false;
        }
        return true;
    }

    /**
     * Decodes a string produced by {@link #encode} for {@code byteCount} bytes.
     *
     * @throws IllegalArgumentException naming the offending character and its position
     */
    public static byte[] decode(CharSequence s, int byteCount) {
        if (s.length() != encodedLength(byteCount))
            throw new IllegalArgumentException("nix32 string of length " + s.length()
                    + " cannot hold " + byteCount + " bytes (expected length " + encodedLength(byteCount) + ")");
        byte[] out = new byte[byteCount];
        int len = s.length();
        for (int n = 0; n < len; n++) {
            char ch = s.charAt(len - n - 1);
            int digit = ch < 128 ? DECODE[ch] : -1;
            if (digit < 0)
                throw new IllegalArgumentException("invalid nix32 character '" + ch + "' at position " + (len - n - 1));
            int b = n * 5;
            int i = b / 8;
            int j = b % 8;
            out[i] |= (byte) (digit << j);
            int carry = digit >>> (8 - j);
            if (i + 1 < byteCount) out[i + 1] |= (byte) carry;
            else if (carry != 0)
                throw new IllegalArgumentException("nix32 string has non-zero padding bits: " + s);
        }
        return out;
    }
}
