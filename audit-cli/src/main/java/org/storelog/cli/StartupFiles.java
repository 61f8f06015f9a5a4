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
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
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
 * <li>{@code OUT_DIR/jnr-patches.jar}: two jnr classes, each with one class-path lookup that cannot
 * succeed taken out. A class or resource the class path does not have makes the class loader open
 * and search every jar on it (34 of them: ~0.05–0.1 s of cold code, more under load), and both
 * lookups lie on the way to the first LMDB call. {@code jnr.ffi.Platform} first loads the class
 * named by the system property {@code jnr.ffi.provider} followed by {@code $Platform}; with the
 * property unset (always, here) that is {@code null$Platform}, which exists nowhere: the rewritten
 * class skips that lookup when the property is unset. {@code jnr.constants.ConstantSet} looks for
 * each constants class first in an architecture package that jnr-constants does not have for
 * x86_64: the rewritten class looks for it in jnr-constants' own jar only
 * ({@link JnrConstantsLookup}). The launcher puts this jar before jnr-ffi's and jnr-constants'.</li>
 * <li>{@code OUT_DIR/lmdb-patches.jar}: lmdbjava's binding interface {@code Library$Lmdb} without
 * its parameter annotations. jnr-ffi reads a method's parameter annotations when it binds the
 * method, and the JDK makes each annotation instance a dynamic proxy: a class generated at every
 * start (~30 ms of CPU for the first LMDB calls, with its compilation). The annotations dropped
 * change nothing there: {@code @In}/{@code @Out} say which way to copy heap memory, and lmdbjava
 * passes direct memory only (by-reference parameters are then copied both ways, as jnr does without
 * them); {@code @size_t} on a {@code long} is a 64-bit integer, as a plain {@code long} is, on the
 * 64-bit platforms only where the patch is made. Any other annotation leaves the interface as it
 * was. The launcher puts this jar before lmdbjava's.</li>
 * <li>{@code OUT_DIR/native/}: the native libraries lmdbjava and jffi would otherwise copy out of
 * their jars into a fresh temporary file at every start (which also initializes a
 * {@code SecureRandom}). The launcher passes them with {@code -Dlmdbjava.native.lib} and
 * {@code -Djffi.boot.library.path}; zstd-jni's likewise, with {@code -DZstdNativePath}.</li>
 * </ul>
 */
public final class StartupFiles {
    /** Version given to the rewritten picocli classes (Java 8: the first the JVM keeps AOT-linked). */
    static final int CLASS_VERSION = Opcodes.V1_8;
    /** The jar holding the rewritten {@code jnr.ffi.Platform} and {@code jnr.constants.ConstantSet}. */
    static final String JNR_PATCHES_JAR = "jnr-patches.jar";
    /** The jar holding lmdbjava's {@code Library$Lmdb} without parameter annotations. */
    static final String LMDB_PATCHES_JAR = "lmdb-patches.jar";
    private static final String LMDB_LIBRARY = "org/lmdbjava/Library$Lmdb";
    /** The parameter annotations {@link #patchLmdb} may drop (see the class comment); any other stops it. */
    private static final java.util.Set<String> DROPPABLE = java.util.Set.of("Ljnr/ffi/annotations/In;",
            "Ljnr/ffi/annotations/Out;", "Ljnr/ffi/types/size_t;");
    private static final String PLATFORM = "jnr/ffi/Platform";
    private static final String CONSTANT_SET = "jnr/constants/ConstantSet";
    private static final String PROVIDER_PLATFORM = "storelog$providerPlatform";
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
        modernize(findJar(lib, "picocli-", "picocli.CommandLine"), out.resolve("picocli.jar"));
        try {
            patchJnr(findJar(lib, "jnr-ffi-", "jnr.ffi.Platform"), findJar(lib, "jnr-constants-", "jnr.constants.ConstantSet"),
                    out.resolve(JNR_PATCHES_JAR));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(out.resolve(JNR_PATCHES_JAR)); // other jnr versions: they run unpatched
        }
        try {
            patchLmdb(findJar(lib, "lmdbjava-", "org.lmdbjava.Env"), out.resolve(LMDB_PATCHES_JAR));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(out.resolve(LMDB_PATCHES_JAR)); // another lmdbjava, or a 32-bit JVM: unpatched
        }
        extractNatives(out.resolve("native"));
        extractZstd(findJar(lib, "zstd-jni-", "com.github.luben.zstd.Zstd"), out.resolve("native"));
    }

    /**
     * The jar {@code className} is loaded from here (so a directory that still holds an older
     * version of it, left by a dependency upgrade, cannot give the patches the wrong classes); when
     * the class is not on this class path, the first {@code prefix*.jar} in {@code lib}.
     */
    private static Path findJar(Path lib, String prefix, String className) throws IOException {
        try {
            var source = Class.forName(className, false, StartupFiles.class.getClassLoader()).getProtectionDomain().getCodeSource();
            if (source != null) {
                Path jar = Path.of(source.getLocation().toURI());
                if (Files.isRegularFile(jar) && jar.getFileName().toString().startsWith(prefix)) return jar;
            }
        } catch (ClassNotFoundException | java.net.URISyntaxException | SecurityException e) {
            // not loadable here: look in lib
        }
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

    /**
     * Writes to {@code out} a jar holding {@code jnr/ffi/Platform.class} from {@code jnrFfiJar} and
     * {@code jnr/constants/ConstantSet.class} from {@code jnrConstantsJar}, rewritten: Platform's
     * {@code Class.forName(providerName + "$Platform")} in {@code determinePlatform()} goes through a
     * new static method that fails at once for {@code "null$Platform"} (the property unset) and calls
     * {@code Class.forName} otherwise (from the same class, so with the same class loader);
     * ConstantSet's {@code LOADER.getResource(name)} in {@code getEnumClass} becomes
     * {@link JnrConstantsLookup#resource}. Fails if a class lacks the call (other jnr versions).
     */
    static void patchJnr(Path jnrFfiJar, Path jnrConstantsJar, Path out) throws IOException {
        byte[] platform = reroute(entry(jnrFfiJar, PLATFORM + ".class"), "determinePlatform", "()L" + PLATFORM + ";",
                Opcodes.INVOKESTATIC, "java/lang/Class", "forName", "(Ljava/lang/String;)Ljava/lang/Class;",
                PLATFORM, PROVIDER_PLATFORM, true);
        byte[] constantSet = reroute(entry(jnrConstantsJar, CONSTANT_SET + ".class"), "getEnumClass",
                "(Ljava/lang/String;)Ljava/lang/Class;", Opcodes.INVOKEVIRTUAL, "java/lang/ClassLoader", "getResource",
                "(Ljava/lang/String;)Ljava/net/URL;", JnrConstantsLookup.class.getName().replace('.', '/'), "resource", false);
        var classes = new java.util.LinkedHashMap<String, byte[]>();
        classes.put(PLATFORM + ".class", platform);
        classes.put(CONSTANT_SET + ".class", constantSet);
        writeJar(out, classes);
    }

    /**
     * Writes to {@code out} a jar holding lmdbjava's {@code Library$Lmdb} from {@code lmdbjavaJar}
     * with its parameter annotations dropped. Fails on a JVM whose {@code long} is not the size of
     * {@code size_t} (not 64-bit), and on an interface with any annotation but those of {@link #DROPPABLE}.
     */
    static void patchLmdb(Path lmdbjavaJar, Path out) throws IOException {
        if (!"64".equals(System.getProperty("sun.arch.data.model")))
            throw new IOException("size_t is a Java long on 64-bit platforms only");
        writeJar(out, java.util.Map.of(LMDB_LIBRARY + ".class",
                stripParameterAnnotations(entry(lmdbjavaJar, LMDB_LIBRARY + ".class"))));
    }

    /** A jar at {@code out} holding {@code entries} (name to bytes, in the map's order), written aside and moved in place. */
    private static void writeJar(Path out, java.util.Map<String, byte[]> entries) throws IOException {
        Path tmp = tempNextTo(out);
        try (JarOutputStream o = new JarOutputStream(Files.newOutputStream(tmp))) {
            for (var e : entries.entrySet()) {
                o.putNextEntry(new JarEntry(e.getKey()));
                o.write(e.getValue());
                o.closeEntry();
            }
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** {@code classFile} without parameter annotations; fails if one is not in {@link #DROPPABLE}, or there is none. */
    static byte[] stripParameterAnnotations(byte[] classFile) throws IOException {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter w = new ClassWriter(0);
        List<String> unexpected = new ArrayList<>();
        int[] dropped = {0};
        reader.accept(new ClassVisitor(Opcodes.ASM9, w) {
            @Override
            public MethodVisitor visitMethod(int access, String mName, String mDesc, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, mName, mDesc, signature, exceptions)) {
                    @Override public void visitAnnotableParameterCount(int count, boolean visible) {
                        // dropped along with the annotations
                    }

                    @Override public AnnotationVisitor visitParameterAnnotation(int parameter, String desc, boolean visible) {
                        if (!DROPPABLE.contains(desc)) unexpected.add(mName + " parameter " + parameter + ": " + desc);
                        dropped[0]++;
                        return null;
                    }
                };
            }
        }, 0);
        if (!unexpected.isEmpty()) throw new IOException("unexpected parameter annotations " + unexpected);
        if (dropped[0] == 0) throw new IOException(reader.getClassName() + " has no parameter annotations to drop");
        return w.toByteArray();
    }

    private static byte[] entry(Path jarFile, String name) throws IOException {
        try (JarFile jar = new JarFile(jarFile.toFile())) {
            JarEntry e = jar.getJarEntry(name);
            if (e == null) throw new IOException("no " + name + " in " + jarFile);
            try (InputStream in = jar.getInputStream(e)) {
                return in.readAllBytes();
            }
        }
    }

    /**
     * {@code classFile} with the one call {@code op owner.name desc} in method {@code method}
     * replaced by a static call of {@code newOwner.newName}, whose descriptor takes the same operands
     * (the receiver first for a virtual call); with {@code addProviderPlatform}, the class also gets
     * the method {@link #PROVIDER_PLATFORM}.
     */
    private static byte[] reroute(byte[] classFile, String method, String methodDesc, int op, String owner, String name,
            String desc, String newOwner, String newName, boolean addProviderPlatform) throws IOException {
        String newDesc = op == Opcodes.INVOKESTATIC ? desc : "(L" + owner + ";" + desc.substring(1);
        int[] rerouted = {0};
        ClassReader reader = new ClassReader(classFile);
        ClassWriter w = new ClassWriter(0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, w) {
            @Override
            public MethodVisitor visitMethod(int access, String mName, String mDesc, String signature, String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, mName, mDesc, signature, exceptions);
                if (!mName.equals(method) || !mDesc.equals(methodDesc)) return mv;
                return new MethodVisitor(Opcodes.ASM9, mv) {
                    @Override
                    public void visitMethodInsn(int o, String ow, String n, String d, boolean itf) {
                        if (o == op && ow.equals(owner) && n.equals(name) && d.equals(desc)) {
                            rerouted[0]++;
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, newOwner, newName, newDesc, false);
                        } else {
                            super.visitMethodInsn(o, ow, n, d, itf);
                        }
                    }
                };
            }

            @Override
            public void visitEnd() {
                if (addProviderPlatform) addProviderPlatform(this);
                super.visitEnd();
            }
        }, 0);
        if (rerouted[0] != 1)
            throw new IOException(reader.getClassName() + "." + method + " does not call " + owner + "." + name + " once as expected");
        return w.toByteArray();
    }

    /**
     * Adds {@code private static Class<?> storelog$providerPlatform(String name)}: throws
     * {@code ClassNotFoundException} for a name starting {@code "null$"}, else {@code Class.forName(name)}.
     */
    private static void addProviderPlatform(ClassVisitor cv) {
        MethodVisitor m = cv.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                PROVIDER_PLATFORM, "(Ljava/lang/String;)Ljava/lang/Class;", null,
                new String[] {"java/lang/ClassNotFoundException"});
        m.visitCode();
        Label lookUp = new Label();
        m.visitVarInsn(Opcodes.ALOAD, 0);
        m.visitLdcInsn("null$");
        m.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/String", "startsWith", "(Ljava/lang/String;)Z", false);
        m.visitJumpInsn(Opcodes.IFEQ, lookUp);
        m.visitTypeInsn(Opcodes.NEW, "java/lang/ClassNotFoundException");
        m.visitInsn(Opcodes.DUP);
        m.visitVarInsn(Opcodes.ALOAD, 0);
        m.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/ClassNotFoundException", "<init>", "(Ljava/lang/String;)V", false);
        m.visitInsn(Opcodes.ATHROW);
        m.visitLabel(lookUp);
        m.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
        m.visitVarInsn(Opcodes.ALOAD, 0);
        m.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Class", "forName", "(Ljava/lang/String;)Ljava/lang/Class;", false);
        m.visitInsn(Opcodes.ARETURN);
        m.visitMaxs(3, 1);
        m.visitEnd();
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
