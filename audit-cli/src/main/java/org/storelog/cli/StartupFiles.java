package org.storelog.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Enumeration;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * Files the launcher ({@code bin/audit}) prepares once per build so that every later start is
 * cheaper. Run as {@code java -cp audit-cli.jar org.storelog.cli.StartupFiles LIB_DIR OUT_DIR}.
 *
 * <ul>
 * <li>{@code OUT_DIR/picocli.jar}: picocli's classes with class-file version 52 and stack-map
 * frames computed. picocli 4.7 ships Java 5 class files (version 49); the JVM verifies those with
 * the old inference verifier and will not keep them linked in its ahead-of-time cache, which costs
 * ~0.1–0.2 s at every start. The bytecode itself is unchanged: only the version number and the
 * frames the newer verifier needs. The launcher puts this jar before the original on the class
 * path.</li>
 * <li>{@code OUT_DIR/native/}: the native libraries lmdbjava and jffi would otherwise copy out of
 * their jars into a fresh temporary file at every start (which also initializes a
 * {@code SecureRandom}). The launcher passes them with {@code -Dlmdbjava.native.lib} and
 * {@code -Djffi.boot.library.path}; zstd-jni's likewise, with {@code -DZstdNativePath}.</li>
 * </ul>
 */
public final class StartupFiles {
    /** Version given to the rewritten picocli classes (Java 8: the first the JVM keeps AOT-linked). */
    static final int CLASS_VERSION = Opcodes.V1_8;
    /** Name jffi looks for in {@code jffi.boot.library.path}. */
    static final String JFFI_LIB = "libjffi-1.2.so";
    /** Where zstd-jni's library goes in the native directory. */
    static final String ZSTD_LIB = "libzstd-jni.so";

    private StartupFiles() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: StartupFiles LIB_DIR OUT_DIR");
            System.exit(ExitCodes.USAGE);
        }
        Path lib = Path.of(args[0]), out = Path.of(args[1]);
        Files.createDirectories(out.resolve("native"));
        modernize(findJar(lib, "picocli-"), out.resolve("picocli.jar"));
        extractNatives(out.resolve("native"));
        extractZstd(findJar(lib, "zstd-jni-"), out.resolve("native"));
    }

    private static Path findJar(Path lib, String prefix) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(lib, prefix + "[0-9]*.jar")) {
            for (Path p : s) return p;
        }
        throw new IOException("no " + prefix + "*.jar in " + lib);
    }

    /**
     * Writes {@code in} to {@code out} with every class raised to {@link #CLASS_VERSION} and its
     * stack-map frames computed (super types resolved from {@code in} itself and the JDK).
     * Signature files are dropped: the rewritten classes would no longer match them.
     */
    static void modernize(Path in, Path out) throws IOException {
        Path tmp = tempNextTo(out);
        try (URLClassLoader types = new URLClassLoader(new URL[] {in.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
             JarFile jar = new JarFile(in.toFile());
             JarOutputStream o = new JarOutputStream(Files.newOutputStream(tmp))) {
            for (Enumeration<JarEntry> en = jar.entries(); en.hasMoreElements();) {
                JarEntry e = en.nextElement();
                String name = e.getName();
                if (e.isDirectory() || isSignature(name)) continue;
                byte[] bytes;
                try (InputStream is = jar.getInputStream(e)) {
                    bytes = is.readAllBytes();
                }
                if (name.endsWith(".class") && !name.startsWith("META-INF/")) bytes = raise(bytes, types);
                o.putNextEntry(new JarEntry(name));
                o.write(bytes);
                o.closeEntry();
            }
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean isSignature(String name) {
        if (!name.startsWith("META-INF/")) return false;
        String n = name.toUpperCase(Locale.ROOT);
        return n.endsWith(".SF") || n.endsWith(".RSA") || n.endsWith(".DSA") || n.endsWith(".EC");
    }

    static byte[] raise(byte[] classFile, ClassLoader types) {
        ClassReader r = new ClassReader(classFile);
        ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override protected ClassLoader getClassLoader() { return types; }
        };
        r.accept(new ClassVisitor(Opcodes.ASM9, w) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                super.visit(Math.max(version & 0xFFFF, CLASS_VERSION), access, name, signature, superName, interfaces);
            }
        }, ClassReader.SKIP_FRAMES);
        return w.toByteArray();
    }

    /** Copies lmdbjava's and jffi's native libraries for this platform into {@code dir}. */
    static void extractNatives(Path dir) throws IOException {
        String lmdb = org.lmdbjava.TargetName.RESOLVED_FILENAME;
        copyResource(lmdb.startsWith("/") ? lmdb.substring(1) : lmdb, dir.resolve("lmdb.so"));
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> null;
        };
        if (arch != null && System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux"))
            copyResource("jni/" + arch + "-Linux/" + JFFI_LIB, dir.resolve(JFFI_LIB));
    }

    /** zstd-jni's library for this platform (build logs are zstd-compressed), for {@code -DZstdNativePath}. */
    static void extractZstd(Path zstdJar, Path dir) throws IOException {
        String arch = System.getProperty("os.arch");
        if (!System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux")) return;
        try (JarFile jar = new JarFile(zstdJar.toFile())) {
            for (Enumeration<JarEntry> en = jar.entries(); en.hasMoreElements();) {
                JarEntry e = en.nextElement();
                String n = e.getName();
                if (n.startsWith("linux/" + arch + "/libzstd-jni") && n.endsWith(".so")) {
                    Path tmp = tempNextTo(dir.resolve(ZSTD_LIB));
                    try (InputStream in = jar.getInputStream(e)) {
                        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    }
                    Files.move(tmp, dir.resolve(ZSTD_LIB), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    return;
                }
            }
        }
    }

    /** A new file beside {@code f}: two launchers preparing at once never write the same file. */
    private static Path tempNextTo(Path f) throws IOException {
        return Files.createTempFile(f.toAbsolutePath().getParent(), f.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
    }

    private static void copyResource(String name, Path to) throws IOException {
        try (InputStream in = StartupFiles.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) return; // the library copies it out itself, as before
            Path tmp = tempNextTo(to);
            try (OutputStream o = Files.newOutputStream(tmp)) {
                in.transferTo(o);
            }
            Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
