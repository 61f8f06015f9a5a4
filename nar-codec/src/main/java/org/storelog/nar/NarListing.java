package org.storelog.nar;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The listing of a NAR: Nix's {@code .ls} JSON ({@code {"version":1,"root":{…}}}, built like
 * {@code listNar} in Nix's {@code src/libstore/nar-accessor.cc}) and a flat list of entries for
 * {@code nix nar ls -lR}-style output.
 *
 * @param json  the {@code .ls} document
 * @param entries every node in NAR order, the root first
 */
public record NarListing(ObjectNode json, List<Entry> entries) {
    /** One node: {@code path} is {@code ""} for the root, else {@code "./a/b"}. */
    public record Entry(String path, Type type, long size, boolean executable, long narOffset, String target) {}

    public enum Type { REGULAR, DIRECTORY, SYMLINK }

    /** Lists the NAR read from {@code in} (which must hold exactly one valid NAR). */
    public static NarListing of(InputStream in) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode doc = f.objectNode();
        doc.put("version", 1);
        List<Entry> entries = new ArrayList<>();
        List<ObjectNode> stack = new ArrayList<>();
        NarReader.read(in, new NarReader.Visitor() {
            private ObjectNode place(List<byte[]> path) {
                if (path.isEmpty()) return doc.putObject("root");
                ObjectNode parent = stack.get(path.size() - 1);
                return ((ObjectNode) parent.get("entries")).putObject(name(path.get(path.size() - 1)));
            }

            @Override public void directory(List<byte[]> path) {
                ObjectNode o = place(path);
                o.put("type", "directory");
                o.putObject("entries");
                while (stack.size() > path.size()) stack.remove(stack.size() - 1);
                stack.add(o);
                entries.add(new Entry(rel(path), Type.DIRECTORY, 0, false, 0, null));
            }

            @Override public void regular(List<byte[]> path, boolean executable, long size, long off, InputStream c) {
                ObjectNode o = place(path);
                o.put("type", "regular");
                o.put("size", size);
                if (executable) o.put("executable", true);
                o.put("narOffset", off);
                entries.add(new Entry(rel(path), Type.REGULAR, size, executable, off, null));
            }

            @Override public void symlink(List<byte[]> path, byte[] target) {
                ObjectNode o = place(path);
                String t = name(target);
                o.put("type", "symlink");
                o.put("target", t);
                entries.add(new Entry(rel(path), Type.SYMLINK, 0, false, 0, t));
            }
        });
        return new NarListing(doc, List.copyOf(entries));
    }

    /** Lists the NAR serialisation of the tree at {@code root}, without storing the NAR. */
    public static NarListing ofTree(Path root) throws IOException {
        PipedInputStream in = new PipedInputStream(1 << 16);
        PipedOutputStream out = new PipedOutputStream(in);
        // A thread of its own: a shared pool might have no free worker while we block reading.
        CompletableFuture<Void> writer = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("nar-listing-writer").start(() -> {
            try (out) {
                NarWriter.dump(root, out);
                writer.complete(null);
            } catch (IOException e) {
                writer.completeExceptionally(new java.io.UncheckedIOException(e));
            } catch (RuntimeException | Error e) {
                writer.completeExceptionally(e);
            }
        });
        NarListing listing;
        try (in) {
            listing = of(in);
        } catch (IOException e) {
            writerFailure(writer);
            throw e;
        }
        writerFailure(writer);
        return listing;
    }

    private static void writerFailure(CompletableFuture<Void> writer) throws IOException {
        try {
            writer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof java.io.UncheckedIOException u) throw u.getCause();
            throw new IOException(e.getCause());
        }
    }

    private static String name(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String rel(List<byte[]> path) {
        if (path.isEmpty()) return "";
        StringBuilder sb = new StringBuilder(".");
        for (byte[] n : path) sb.append('/').append(name(n));
        return sb.toString();
    }
}
