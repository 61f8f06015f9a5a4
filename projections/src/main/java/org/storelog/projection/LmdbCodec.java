package org.storelog.projection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.storelog.domain.event.StoreEvent.OutputComparison;
import org.storelog.domain.event.StoreEvent.Origin;
import org.storelog.domain.event.StoreEvent.RebuildCompared;

/**
 * Binary layouts of the LMDB values (big-endian; no JSON). A string is an i32 UTF-8 length
 * (-1 for null) followed by its bytes; a list is an i32 count followed by its items.
 *
 * <pre>
 * info    = version:u8 narHash:str narSize:i64 deriver:str registrationTime:i64 origin:u8 ca:str
 *           signatures:list&lt;str&gt;                       (references live in the refs DBI)
 * build   = seq:i64 timestamp:i64 buildId:str succeeded:u8 reason:str durationMillis:i64
 *           outputs:list&lt;name:str path:str&gt;
 * check   = seq:i64 timestamp:i64 verdict:str reason:str variation:str rounds:i32
 *           outputs:list&lt;name:str path:str recorded:str rebuilt:list&lt;str&gt; differingFiles:list&lt;str&gt;&gt;
 * </pre>
 * Writing goes through one growable direct buffer ({@link Out}), since lmdbjava wants direct buffers.
 */
final class LmdbCodec {
    static final byte INFO_VERSION = 1;
    private static final Origin[] ORIGINS = Origin.values();

    private LmdbCodec() {}

    /** A reusable, growable direct buffer to build keys and values in. */
    static final class Out {
        private ByteBuffer buf;

        Out(int capacity) { buf = ByteBuffer.allocateDirect(capacity); }

        Out clear() { buf.clear(); return this; }

        /** The written bytes, ready to hand to lmdbjava. */
        ByteBuffer flip() { return buf.flip(); }

        private void room(int n) {
            if (buf.remaining() >= n) return;
            ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(buf.capacity() * 2, buf.position() + n));
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }

        Out u8(int v) { room(1); buf.put((byte) v); return this; }
        Out i32(int v) { room(4); buf.putInt(v); return this; }
        Out i64(long v) { room(8); buf.putLong(v); return this; }
        Out raw(byte[] b) { room(b.length); buf.put(b); return this; }

        Out str(String s) {
            if (s == null) return i32(-1);
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return i32(b.length).raw(b);
        }

        Out strs(List<String> l) {
            i32(l.size());
            for (String s : l) str(s);
            return this;
        }
    }

    static String str(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0) return null;
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    static List<String> strs(ByteBuffer in) {
        int n = in.getInt();
        List<String> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) l.add(str(in));
        return l;
    }

    static String utf8(ByteBuffer in) {
        byte[] b = new byte[in.remaining()];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Info of a valid path, without its references and path. */
    record Info(String narHash, long narSize, String deriver, long registrationTime, Origin origin, String ca,
                List<String> signatures) {

        void write(Out o) {
            o.u8(INFO_VERSION).str(narHash).i64(narSize).str(deriver).i64(registrationTime)
                    .u8(origin.ordinal()).str(ca).strs(signatures);
        }

        static Info read(ByteBuffer in) {
            int v = in.get();
            if (v != INFO_VERSION) throw new ProjectionException("info record has unknown layout version " + v, -1);
            String narHash = str(in);
            long narSize = in.getLong();
            String deriver = str(in);
            long time = in.getLong();
            Origin origin = ORIGINS[in.get()];
            String ca = str(in);
            return new Info(narHash, narSize, deriver, time, origin, ca, strs(in));
        }
    }

    static void writeBuild(Out o, BuildResult b) {
        o.i64(b.sequence()).i64(b.timestamp()).str(b.buildId()).u8(b.succeeded() ? 1 : 0).str(b.reason())
                .i64(b.durationMillis());
        Map<String, String> outs = new TreeMap<>(b.outputs());
        o.i32(outs.size());
        outs.forEach((n, p) -> o.str(n).str(p));
    }

    static BuildResult readBuild(String drvPath, ByteBuffer in) {
        long seq = in.getLong(), ts = in.getLong();
        String buildId = str(in);
        boolean ok = in.get() != 0;
        String reason = str(in);
        long duration = in.getLong();
        int n = in.getInt();
        Map<String, String> outs = new HashMap<>();
        for (int i = 0; i < n; i++) outs.put(str(in), str(in));
        return new BuildResult(seq, ts, drvPath, buildId, ok, outs, reason, duration);
    }

    static void writeCheck(Out o, CheckResult c) {
        RebuildCompared r = c.comparison();
        o.i64(c.sequence()).i64(c.timestamp()).str(r.verdict()).str(r.reason()).str(r.variation()).i32(r.rounds());
        Map<String, OutputComparison> outs = new TreeMap<>(r.outputs());
        o.i32(outs.size());
        outs.forEach((n, oc) -> o.str(n).str(oc.path()).str(oc.recorded()).strs(oc.rebuilt()).strs(oc.differingFiles()));
    }

    static CheckResult readCheck(String drvPath, ByteBuffer in) {
        long seq = in.getLong(), ts = in.getLong();
        String verdict = str(in), reason = str(in), variation = str(in);
        int rounds = in.getInt();
        int n = in.getInt();
        Map<String, OutputComparison> outs = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String name = str(in), path = str(in), recorded = str(in);
            List<String> rebuilt = strs(in);
            outs.put(name, new OutputComparison(path, recorded, rebuilt, strs(in)));
        }
        return new CheckResult(seq, ts, new RebuildCompared(drvPath, verdict, reason, outs, variation, rounds));
    }
}
