package org.storelog.cli;

import java.net.URL;
import java.net.URLClassLoader;

/**
 * Where the launcher's rewritten {@code jnr.constants.ConstantSet} ({@link StartupFiles}) looks for
 * its platform constants classes: in jnr-constants' own jar only, instead of on the whole class path.
 * jnr-constants tries an architecture package first ({@code jnr/constants/platform/linux/x86_64/}),
 * which its jar does not have for x86_64; on the class path such a miss opens and searches all 34
 * jars. Every class jnr-constants looks for is its own, so the answer is the same.
 */
public final class JnrConstantsLookup {
    private static URLClassLoader ownJar;

    private JnrConstantsLookup() {}

    /** {@code loader.getResource(name)}, answered from jnr-constants' jar when it can be found. */
    public static URL resource(ClassLoader loader, String name) {
        URLClassLoader own = ownJar();
        return own != null ? own.findResource(name) : loader.getResource(name);
    }

    private static synchronized URLClassLoader ownJar() {
        if (ownJar == null) {
            try {
                // an interface of jnr-constants that is never rewritten: its code source is jnr-constants' jar
                var source = jnr.constants.Constant.class.getProtectionDomain().getCodeSource();
                if (source == null || source.getLocation() == null) return null;
                ownJar = new URLClassLoader(new URL[] {source.getLocation()}, null);
            } catch (SecurityException e) {
                return null;
            }
        }
        return ownJar;
    }
}
