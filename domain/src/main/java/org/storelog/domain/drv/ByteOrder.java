package org.storelog.domain.drv;

import java.util.Comparator;

/**
 * Orders strings as Nix's {@code std::map<std::string, …>} orders them: by their UTF-8 bytes,
 * unsigned. For valid UTF-16 that is code point order, which differs from {@link String#compareTo}
 * once surrogate pairs meet characters from U+E000 to U+FFFF.
 */
public final class ByteOrder {
    private ByteOrder() {}

    public static final Comparator<String> UTF8 = ByteOrder::compare;

    public static int compare(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                boolean sx = Character.isSurrogate(x);
                boolean sy = Character.isSurrogate(y);
                if (sx == sy) return Character.compare(x, y);
                // a surrogate (a code point >= U+10000) sorts after every BMP character
                return sx ? 1 : -1;
            }
        }
        return Integer.compare(a.length(), b.length());
    }
}
