package org.storelog.narinfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads golden files under {@code src/test/resources/golden/narinfo/} (see its README.md for their origin). */
final class Golden {
    private Golden() {}

    static byte[] bytes(String path) {
        try (InputStream in = Golden.class.getResourceAsStream("/golden/narinfo/" + path)) {
            if (in == null) throw new IllegalArgumentException("no golden file " + path);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String path) { return new String(bytes(path), StandardCharsets.UTF_8); }

    static final String[] NIX_UNSIGNED = {
        "4ah0rjvlr3s358268686x4j55w3fkxk4", "mq7mna4vj5s142jqy2l5px107ic0f6qs", "n7zh57z4wsss68dmr7cchnx1kcb2z248",
        "q1pgl82n7yz0dhxlxk8nn0wqkqz3q3l6", "r9zgkzc5zab416qddj283jlsvp18ydzr"};
    static final String[] NIX_SIGNED = {
        "4ah0rjvlr3s358268686x4j55w3fkxk4", "mq7mna4vj5s142jqy2l5px107ic0f6qs", "n7zh57z4wsss68dmr7cchnx1kcb2z248",
        "r9zgkzc5zab416qddj283jlsvp18ydzr"};
    /** Real Guix narinfos and the key file that signed each. */
    static final String[][] GUIX = {
        {"y857mykfnc9vd1sc2lqz5g35l111fp71-opensmtpd-test", "ci.guix.gnu.org.pub"},
        {"8kib1cirdv0qbmn9hdkjzjfx3n5nw1yw-sed-4.4", "ci.guix.gnu.org.pub"},
        {"803q5wapfnmr91ag8d9dzwabkbdxz3ay-hello-2.10", "ci.guix.gnu.org.pub"},
        {"cs56i9digj9qg1bd383cmxc6xrfpdn9n-hello-2.12.2", "bordeaux.guix.gnu.org.pub"},
        {"8bjy9g0cssjrw9ljz2r8ww1sma95isfj-hello-2.12.1", "genenetwork.pub"}};
}
