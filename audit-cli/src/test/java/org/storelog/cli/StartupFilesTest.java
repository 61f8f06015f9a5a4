package org.storelog.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The launcher's prepared files: picocli raised to a class-file version the AOT cache keeps, natives copied out. */
class StartupFilesTest {
    @TempDir Path tmp;

    private static Path picocliJar() throws Exception {
        return Path.of(CommandLine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static int major(byte[] classFile) {
        return ((classFile[6] & 0xFF) << 8) | (classFile[7] & 0xFF);
    }

    @Test void modernize_raisesEveryPicocliClassToVersion52AndKeepsEveryEntry() throws Exception {
        Path in = picocliJar(), out = tmp.resolve("picocli.jar");
        StartupFiles.modernize(in, out);
        List<String> before = new ArrayList<>(), after = new ArrayList<>();
        try (JarFile a = new JarFile(in.toFile()); JarFile b = new JarFile(out.toFile())) {
            Collections.list(a.entries()).stream().filter(e -> !e.isDirectory()).forEach(e -> before.add(e.getName()));
            Collections.list(b.entries()).forEach(e -> after.add(e.getName()));
            int classes = 0;
            for (var e : Collections.list(b.entries())) {
                if (!e.getName().endsWith(".class") || e.getName().startsWith("META-INF/")) continue;
                byte[] orig, now;
                try (InputStream x = a.getInputStream(a.getEntry(e.getName())); InputStream y = b.getInputStream(e)) {
                    orig = x.readAllBytes();
                    now = y.readAllBytes();
                }
                assertTrue(major(orig) < 50, "the original is a Java 5 class: " + e.getName());
                assertEquals(52, major(now), e.getName());
                classes++;
            }
            assertTrue(classes > 100, "picocli has well over 100 classes, saw " + classes);
        }
        assertEquals(before, after);
    }

    /** The rewritten classes load under the type-checking verifier and parse and run a command as before. */
    @Test void modernizedPicocli_verifiesAndRunsACommand() throws Exception {
        Path out = tmp.resolve("picocli.jar");
        StartupFiles.modernize(picocliJar(), out);
        try (URLClassLoader cl = new URLClassLoader(new URL[] {out.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> cmdLine = Class.forName("picocli.CommandLine", true, cl);
            assertEquals(cl, cmdLine.getClassLoader());
            // force verification of every class in the jar, not only the ones this run touches
            try (JarFile j = new JarFile(out.toFile())) {
                for (var e : Collections.list(j.entries())) {
                    String n = e.getName();
                    if (n.endsWith(".class") && !n.startsWith("META-INF/"))
                        Class.forName(n.substring(0, n.length() - 6).replace('/', '.'), true, cl);
                }
            }
            // a command spec built programmatically (no annotations from our class loader needed)
            Class<?> specClass = Class.forName("picocli.CommandLine$Model$CommandSpec", true, cl);
            Object spec = specClass.getMethod("create").invoke(null);
            Class<?> optBuilder = Class.forName("picocli.CommandLine$Model$OptionSpec", true, cl);
            Object b = optBuilder.getMethod("builder", String.class, String[].class).invoke(null, "--name", new String[0]);
            call(b, "type", new Class<?>[] {Class.class}, String.class);
            Object opt = call(b, "build", new Class<?>[0]);
            specClass.getMethod("addOption", optBuilder).invoke(spec, opt);
            Object line = cmdLine.getConstructor(Object.class).newInstance(spec);
            Object parsed = cmdLine.getMethod("parseArgs", String[].class).invoke(line, (Object) new String[] {"--name", "x"});
            Object value = parsed.getClass().getMethod("matchedOptionValue", String.class, Object.class).invoke(parsed, "--name", "none");
            assertEquals("x", value);
            StringWriter usage = new StringWriter();
            cmdLine.getMethod("usage", PrintWriter.class).invoke(line, new PrintWriter(usage));
            assertTrue(usage.toString().contains("--name"), usage.toString());
        }
    }

    /** Calls a public method that may be declared on a package-private super class. */
    private static Object call(Object target, String name, Class<?>[] types, Object... args) throws Exception {
        var m = target.getClass().getMethod(name, types);
        m.setAccessible(true);
        return m.invoke(target, args);
    }

    @Test void extractNatives_copiesLmdbAndJffiLibrariesByteForByte() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("native"));
        StartupFiles.extractNatives(dir);
        String lmdb = org.lmdbjava.TargetName.RESOLVED_FILENAME;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(lmdb.startsWith("/") ? lmdb.substring(1) : lmdb)) {
            assertArrayEquals(in.readAllBytes(), Files.readAllBytes(dir.resolve("lmdb.so")));
        }
        if (System.getProperty("os.arch").equals("amd64")) {
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("jni/x86_64-Linux/" + StartupFiles.JFFI_LIB)) {
                assertArrayEquals(in.readAllBytes(), Files.readAllBytes(dir.resolve(StartupFiles.JFFI_LIB)));
            }
        }
        assertFalse(Files.exists(dir.resolve("lmdb.so.tmp")));
        if (System.getProperty("os.arch").equals("amd64")) {
            Path zstdJar = Path.of(com.github.luben.zstd.Zstd.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            StartupFiles.extractZstd(zstdJar, dir);
            try (JarFile j = new JarFile(zstdJar.toFile())) {
                var e = Collections.list(j.entries()).stream()
                        .filter(x -> x.getName().startsWith("linux/amd64/libzstd-jni") && x.getName().endsWith(".so")).findFirst().orElseThrow();
                try (InputStream in = j.getInputStream(e)) {
                    assertArrayEquals(in.readAllBytes(), Files.readAllBytes(dir.resolve(StartupFiles.ZSTD_LIB)));
                }
            }
        }
    }

    private static URL jarOf(Class<?> c) throws Exception {
        return c.getProtectionDomain().getCodeSource().getLocation().toURI().toURL();
    }

    /**
     * jnr-ffi's Platform without the lookup of null$Platform, jnr-constants' ConstantSet looking in its
     * own jar: the same platform and the same constants are found.
     */
    @Test void patchedJnrClasses_findTheSamePlatformAndConstants() throws Exception {
        Path jnrFfi = Path.of(jnr.ffi.Platform.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path jnrConstants = Path.of(jnr.constants.Constant.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path out = tmp.resolve(StartupFiles.JNR_PATCHES_JAR);
        StartupFiles.patchJnr(jnrFfi, jnrConstants, out);
        try (JarFile j = new JarFile(out.toFile())) {
            assertEquals(List.of("jnr/ffi/Platform.class", "jnr/constants/ConstantSet.class"),
                    Collections.list(j.entries()).stream().map(e -> e.getName()).toList());
        }
        URL[] path = {out.toUri().toURL(), jnrFfi.toUri().toURL(), jnrConstants.toUri().toURL(),
                jarOf(com.kenai.jffi.Platform.class), jarOf(JnrConstantsLookup.class)};
        try (URLClassLoader cl = new URLClassLoader(path, ClassLoader.getPlatformClassLoader())) {
            Class<?> platform = Class.forName("jnr.ffi.Platform", true, cl);
            assertEquals(out.toUri().toURL(), platform.getProtectionDomain().getCodeSource().getLocation());
            Object patched = platform.getMethod("getNativePlatform").invoke(null);
            jnr.ffi.Platform ours = jnr.ffi.Platform.getNativePlatform();
            assertEquals(ours.getOS().toString(), call(patched, "getOS", new Class<?>[0]).toString());
            assertEquals(ours.getCPU().toString(), call(patched, "getCPU", new Class<?>[0]).toString());
            assertEquals(ours.addressSize(), call(patched, "addressSize", new Class<?>[0]));
            assertEquals(ours.getStandardCLibraryName(), call(patched, "getStandardCLibraryName", new Class<?>[0]));
            var lookup = platform.getDeclaredMethod("storelog$providerPlatform", String.class);
            lookup.setAccessible(true);
            var failed = org.junit.jupiter.api.Assertions.assertThrows(java.lang.reflect.InvocationTargetException.class,
                    () -> lookup.invoke(null, "null$Platform"));
            assertTrue(failed.getCause() instanceof ClassNotFoundException, failed.getCause().toString());
            assertEquals(platform.getName(), ((Class<?>) lookup.invoke(null, "jnr.ffi.Platform")).getName());

            Class<?> constantSet = Class.forName("jnr.constants.ConstantSet", true, cl);
            assertEquals(out.toUri().toURL(), constantSet.getProtectionDomain().getCodeSource().getLocation());
            Object errno = constantSet.getMethod("getConstantSet", String.class).invoke(null, "Errno");
            jnr.constants.ConstantSet expected = jnr.constants.ConstantSet.getConstantSet("Errno");
            for (String name : List.of("ENOENT", "EACCES", "EAGAIN"))
                assertEquals(expected.getValue(name), call(errno, "getValue", new Class<?>[] {String.class}, name), name);
        }
    }

    private static Path lmdbjavaJar() throws Exception {
        return Path.of(org.lmdbjava.Env.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** The rewritten interface keeps every method as it was, only without parameter annotations. */
    @Test void patchLmdb_dropsTheParameterAnnotationsAndNothingElse() throws Exception {
        Path out = tmp.resolve(StartupFiles.LMDB_PATCHES_JAR);
        StartupFiles.patchLmdb(lmdbjavaJar(), out);
        byte[] patched;
        try (JarFile j = new JarFile(out.toFile())) {
            assertEquals(List.of("org/lmdbjava/Library$Lmdb.class"),
                    Collections.list(j.entries()).stream().map(e -> e.getName()).toList());
            try (InputStream in = j.getInputStream(j.getJarEntry("org/lmdbjava/Library$Lmdb.class"))) {
                patched = in.readAllBytes();
            }
        }
        byte[] original;
        try (JarFile j = new JarFile(lmdbjavaJar().toFile());
             InputStream in = j.getInputStream(j.getJarEntry("org/lmdbjava/Library$Lmdb.class"))) {
            original = in.readAllBytes();
        }
        assertEquals(methods(original), methods(patched));
        assertTrue(new String(original, java.nio.charset.StandardCharsets.ISO_8859_1).contains("RuntimeVisibleParameterAnnotations"));
        assertFalse(new String(patched, java.nio.charset.StandardCharsets.ISO_8859_1).contains("RuntimeVisibleParameterAnnotations"));
    }

    /** Any annotation besides @In, @Out and @size_t stops the patch (the interface then stays as it is). */
    @Test void stripParameterAnnotations_refusesAnAnnotationItDoesNotKnow() {
        org.objectweb.asm.ClassWriter w = new org.objectweb.asm.ClassWriter(0);
        w.visit(org.objectweb.asm.Opcodes.V1_8, org.objectweb.asm.Opcodes.ACC_PUBLIC | org.objectweb.asm.Opcodes.ACC_INTERFACE
                | org.objectweb.asm.Opcodes.ACC_ABSTRACT, "probe/Lib", null, "java/lang/Object", null);
        var m = w.visitMethod(org.objectweb.asm.Opcodes.ACC_PUBLIC | org.objectweb.asm.Opcodes.ACC_ABSTRACT, "f", "(J)I", null, null);
        m.visitParameterAnnotation(0, "Ljnr/ffi/types/u_int32_t;", true).visitEnd();
        m.visitEnd();
        w.visitEnd();
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> StartupFiles.stripParameterAnnotations(w.toByteArray()));
        assertTrue(e.getMessage().contains("u_int32_t"), e.getMessage());
    }

    /**
     * LMDB through the rewritten interface, in a JVM that loads it first: the env is created
     * (out-pointer), a map size above 2^31 arrives whole (size_t), and three duplicates written
     * are counted and read back (in-pointers, a count by reference).
     */
    @Test void patchedLmdbInterface_writesAndReadsBackThroughLmdb() throws Exception {
        Path jar = tmp.resolve(StartupFiles.LMDB_PATCHES_JAR);
        StartupFiles.patchLmdb(lmdbjavaJar(), jar);
        Path env = Files.createDirectories(tmp.resolve("env"));
        String javaCmd = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(javaCmd, "--add-opens", "java.base/java.nio=ALL-UNNAMED",
                "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-cp", jar + java.io.File.pathSeparator + System.getProperty("java.class.path"),
                LmdbPatchProbe.class.getName(), env.toString()).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, child.waitFor(), out);
        java.util.Map<String, String> got = new java.util.HashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) got.put(line.substring(0, eq), line.substring(eq + 1));
        }
        assertEquals(jar.toUri().toURL().toString(), got.get("from"), out);
        assertEquals("0", got.get("annotations"), out);
        assertEquals(String.valueOf(3L << 30), got.get("mapSize"), out);
        assertEquals("3", got.get("count"), out);
        assertEquals("a", got.get("first"), out);
    }

    private static List<String> methods(byte[] classFile) {
        List<String> names = new ArrayList<>();
        new org.objectweb.asm.ClassReader(classFile).accept(new org.objectweb.asm.ClassVisitor(org.objectweb.asm.Opcodes.ASM9) {
            @Override public org.objectweb.asm.MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                names.add(access + " " + name + desc);
                return null;
            }
        }, 0);
        return names;
    }
}
