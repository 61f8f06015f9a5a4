package org.storelog.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressRenderTest {
    @Test
    void render_showsDoneTotal_current_elapsed_andEtaFromTheMeanSoFar() {
        String s = Progress.render("checking", 3, 12, "hello-2.12", Duration.ofSeconds(90));
        // 30 s per item so far, 9 items left: 4:30 remaining
        assertEquals("checking [#######                       ] 3/12 elapsed 1:30 eta 4:30 hello-2.12", s);
    }

    @Test
    void render_hasNoEta_beforeTheFirstItemFinishes_norAfterTheLast() {
        assertEquals("checking [                              ] 0/4 elapsed 0:02 a", Progress.render("checking", 0, 4, "a", Duration.ofSeconds(2)));
        assertEquals("checking [##############################] 4/4 elapsed 1:00:05", Progress.render("checking", 4, 4, null,
                Duration.ofSeconds(3605)));
    }

    @Test
    void bar_isTimedByItsClock_redrawnAtMostEvery200ms_andLinesScrollAboveIt() {
        AtomicLong now = new AtomicLong(1_000_000_000_000L);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(buf, true, StandardCharsets.UTF_8);
        Progress p = new Progress("checking", err, now::get);
        p.total(2);
        p.step(0, "a");
        now.addAndGet(50_000_000L);
        p.step(0, "b"); // too soon: not drawn
        now.addAndGet(10_000_000_000L);
        p.step(1, "");
        now.addAndGet(100_000_000L);
        p.step(1, "c"); // too soon to draw, but the line printed next redraws the bar with it
        now.addAndGet(2_000_000_000L);
        p.above().println("checking 'c' (round 1 of 1)...");
        p.close();
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals("\r\033[Kchecking [                              ] 0/2 elapsed 0:00 a"
                + "\r\033[Kchecking [###############               ] 1/2 elapsed 0:10 eta 0:10"
                + "\r\033[Kchecking 'c' (round 1 of 1)...\n"
                + "checking [###############               ] 1/2 elapsed 0:12 eta 0:12 c"
                + "\r\033[K", out);
    }
}
