// Measures ways of feeding one large file to libcrypto's SHA-256 from Java (the experiment behind
// nar-codec's MappedRead; bench/hash.md, session 4). Run with JDK 22+ (source launcher):
//
//   java --enable-native-access=ALL-UNNAMED -XX:TieredStopAtLevel=1 bench/MapHash.java FILE MODE KiB
//
// MODE: none (mapped, no pre-faulting: the hashing thread takes the page faults), populate
// (madvise(MADV_POPULATE_READ) 4 MiB at a time on a second thread), willneed (MADV_WILLNEED
// likewise), pre (the whole mapping populated before hashing), seq (MADV_SEQUENTIAL), huge /
// hugepop / prehuge (MADV_HUGEPAGE first), read1 (read() into one direct buffer and hash it, one
// thread, as nix-hash does), pipe (read() on a second thread into 16 buffers, as PipelinedRead).
// KiB: bytes per hash call (and per read for read1/pipe). Prints the SHA-256, the set-up time and
// the time of the hashing loop; time the whole run with /usr/bin/time for user and sys.
import java.lang.foreign.*;
import java.lang.invoke.*;
import java.nio.channels.FileChannel;
import java.nio.file.*;
public class MapHash {
  public static void main(String[] a) throws Throwable {
    long t0=System.nanoTime();
    Linker l=Linker.nativeLinker();
    SymbolLookup lib=SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());
    MethodHandle init=l.downcallHandle(lib.find("SHA256_Init").get(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    MethodHandle upd=l.downcallHandle(lib.find("SHA256_Update").get(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), Linker.Option.critical(true));
    MethodHandle fin=l.downcallHandle(lib.find("SHA256_Final").get(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    MethodHandle madv=l.downcallHandle(l.defaultLookup().find("madvise").get(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    String mode=a[1]; long chunk=Long.parseLong(a[2])<<10;
    MemorySegment ctx=Arena.global().allocate(256,16);
    int r=(int)init.invokeExact(ctx);
    try (FileChannel ch=FileChannel.open(Path.of(a[0])); Arena ar=Arena.ofShared()) {
      long size=ch.size();
      MemorySegment m=ch.map(FileChannel.MapMode.READ_ONLY,0,size,ar);
      final java.util.concurrent.atomic.AtomicLong done=new java.util.concurrent.atomic.AtomicLong();
      Thread pf=null;
      if (mode.startsWith("huge")) { int rr=(int)madv.invokeExact(m,size,14); }
      if (mode.equals("populate") || mode.equals("willneed") || mode.equals("hugepop")) {
        int adv = mode.equals("willneed")?3:22;
        pf=new Thread(()->{ try { for (long o=0;o<size;o+=4<<20){ long n=Math.min(4<<20,size-o); int rr=(int)madv.invokeExact(m.asSlice(o,n),n,adv); done.set(o+n);} System.err.println("pf done "+(System.nanoTime()-t0)/1e6); } catch(Throwable t){t.printStackTrace();}});
        pf.start();
      }
      if (mode.equals("pre")) { long tp=System.nanoTime(); int rr=(int)madv.invokeExact(m,size,22); System.err.println("prepop "+(System.nanoTime()-tp)/1e6+" rc "+rr); }
      if (mode.equals("prehuge")) { int rr=(int)madv.invokeExact(m,size,14); long tp=System.nanoTime(); rr=(int)madv.invokeExact(m,size,22); System.err.println("prepop "+(System.nanoTime()-tp)/1e6+" rc "+rr); }
      if (mode.equals("seq")) { int rr=(int)madv.invokeExact(m,size,2); }
      long t1=System.nanoTime();
      if (mode.equals("read1")) {
        java.nio.ByteBuffer bb=java.nio.ByteBuffer.allocateDirect((int)chunk); MemorySegment bs=MemorySegment.ofBuffer(bb);
        int k; while ((k=ch.read(bb.clear()))>0) { r=(int)upd.invokeExact(ctx,bs,(long)k); }
      } else if (mode.equals("pipe")) {
        var free=new java.util.concurrent.ArrayBlockingQueue<java.nio.ByteBuffer>(16); var full=new java.util.concurrent.ArrayBlockingQueue<java.nio.ByteBuffer>(17);
        for(int i=0;i<16;i++) free.add(java.nio.ByteBuffer.allocateDirect((int)chunk));
        Thread rd=new Thread(()->{ try { while(true){ var b=free.take(); b.clear(); int k=ch.read(b); b.flip(); full.put(b); if(k<=0) return; } } catch(Exception e){e.printStackTrace();} }); rd.start();
        while(true){ var b=full.take(); if(!b.hasRemaining()) break; r=(int)upd.invokeExact(ctx,MemorySegment.ofBuffer(b),(long)b.remaining()); free.put(b);} 
      } else
      for (long o=0;o<size;o+=chunk){ long n=Math.min(chunk,size-o); r=(int)upd.invokeExact(ctx,m.asSlice(o,n),n);}
      long t2=System.nanoTime();
      MemorySegment out=Arena.global().allocate(32);
      r=(int)fin.invokeExact(out,ctx);
      StringBuilder sb=new StringBuilder(); for(byte b: out.toArray(ValueLayout.JAVA_BYTE)) sb.append(String.format("%02x",b));
      System.out.println(sb+" setup "+(t1-t0)/1e6+" ms hash "+(t2-t1)/1e6+" ms");
    }
  }
}
