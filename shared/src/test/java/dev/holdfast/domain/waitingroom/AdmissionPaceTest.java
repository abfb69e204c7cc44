package dev.holdfast.domain.waitingroom;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdmissionPaceTest {

    @Test
    void fractionsCarryOver() {
        AdmissionPace p = AdmissionPace.START;
        long total = 0;
        for (int i = 0; i < 10; i++) {
            AdmissionPace.Step s = p.tick(3, 1000, 333);
            total += s.admit();
            p = s.next();
        }
        assertEquals(9, total); // 3/s for 3.33 s = 9.99
    }

    @Test
    void aLateTickCatchesUpButALongGapIsNoBurst() {
        assertEquals(75, AdmissionPace.START.tick(50, 1000, 1_500).admit());
        assertEquals(150, AdmissionPace.START.tick(50, 1000, 60_000).admit());
    }

    @Property(tries = 300)
    void longRunRateIsExactAndNoTickExceedsOneSecondsWorth(
            @ForAll @LongRange(min = 1, max = 5000) long rate, @ForAll @IntRange(min = 50, max = 1000) int factor,
            @ForAll @Size(min = 1, max = 200) List<@LongRange(min = 0, max = 1000) Long> gaps) {
        AdmissionPace p = AdmissionPace.START;
        long total = 0;
        long elapsed = 0;
        for (long gap : gaps) {
            AdmissionPace.Step s = p.tick(rate, factor, gap);
            assertTrue(s.admit() <= rate * factor / 1000 + 1, "at most the tick interval's worth");
            assertTrue(s.next().carryMicro() >= 0 && s.next().carryMicro() < 1_000_000);
            total += s.admit();
            elapsed += gap;
            p = s.next();
        }
        long exactMicro = rate * factor * elapsed;
        assertTrue(total * 1_000_000 <= exactMicro && exactMicro - total * 1_000_000 < 1_000_000,
                "admitted " + total + " for " + exactMicro + " millionths");
    }
}
