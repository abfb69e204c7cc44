package dev.holdfast.domain.waitingroom;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifierHealthTest {

    @Test
    void errorsHalveTheRateAndRecoveryClimbsBack() {
        VerifierHealth h = VerifierHealth.FULL;
        VerifierHealth.Step s = h.next(10, 5, 0, 100);
        assertEquals(VerifierHealth.Signal.ERRORS, s.signal());
        assertEquals(500, s.next().factorMilli());
        for (int i = 0; i < 10; i++) {
            s = s.next().next(10, 10, 0, 100);
        }
        assertEquals(VerifierHealth.MIN_FACTOR_MILLI, s.next().factorMilli(), "never below the floor");
        for (int i = 0; i < 10; i++) {
            s = s.next().next(10, 0, 0, 100);
        }
        assertEquals(1000, s.next().factorMilli(), "back to full within ten healthy ticks");
        assertEquals(VerifierHealth.Signal.HEALTHY, s.signal());
    }

    @Test
    void aGrowingBacklogSlowsAdmission() {
        VerifierHealth.Step s = VerifierHealth.FULL.next(0, 0, 5000, 100);
        assertEquals(VerifierHealth.Signal.BACKLOG, s.signal());
        assertEquals(500, s.next().factorMilli());
        assertEquals(VerifierHealth.Signal.HEALTHY, VerifierHealth.FULL.next(100, 1, 900, 100).signal());
    }

    @Property(tries = 300)
    void theFactorStaysInBounds(@ForAll @IntRange(min = 50, max = 1000) int factor, @ForAll @LongRange(min = 0, max = 1000) long calls,
                                @ForAll @LongRange(min = 0, max = 1000) long errors, @ForAll @LongRange(min = 0, max = 100000) long backlog) {
        VerifierHealth.Step s = new VerifierHealth(factor).next(calls, Math.min(calls, errors), backlog, 200);
        assertTrue(s.next().factorMilli() >= VerifierHealth.MIN_FACTOR_MILLI && s.next().factorMilli() <= 1000);
    }
}
