package dev.holdfast.domain.surge;

import dev.holdfast.domain.platform.PlatformStatus;
import dev.holdfast.domain.platform.TradingMode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SurgeCalendarTest {
    static final Instant T = Instant.parse("2026-12-12T18:00:00Z");
    static final Duration LEAD = Duration.ofMinutes(30);

    static Surge surge(String id, Instant starts, Instant ends) {
        return new Surge(id, "s " + id, SurgeKind.BROADCAST, starts, ends, new ExpectedPeak(1, 0, 0), "ops", T.minusSeconds(86400),
                Optional.empty(), Optional.empty());
    }

    @Test
    void theFreezeRunsFromTheLeadTimeBeforeTheStartUntilTheEnd() {
        SurgeCalendar c = new SurgeCalendar(List.of(surge("a", T, T.plus(Duration.ofHours(2)))));
        assertTrue(c.freezing(T.minus(LEAD).minusMillis(1), LEAD).isEmpty());
        assertEquals("a", c.freezing(T.minus(LEAD), LEAD).orElseThrow().surgeId(), "from the lead time, inclusive");
        assertEquals("a", c.freezing(T.plus(Duration.ofHours(2)).minusMillis(1), LEAD).orElseThrow().surgeId());
        assertTrue(c.freezing(T.plus(Duration.ofHours(2)), LEAD).isEmpty(), "until the end, exclusive");
        assertTrue(c.freezing(T.minusSeconds(1), Duration.ZERO).isEmpty(), "no lead: only the window");
    }

    @Test
    void aCancelledSurgeFreezesNothingAndTheEarliestIsNamed() {
        Surge later = surge("b", T.plus(Duration.ofMinutes(10)), T.plus(Duration.ofHours(1)));
        Surge cancelled = surge("a", T, T.plus(Duration.ofHours(1))).cancelled(new Surge.Cancellation("moved", "ops", T.minusSeconds(60)));
        SurgeCalendar c = new SurgeCalendar(List.of(later, cancelled));
        assertEquals("b", c.freezing(T, LEAD).orElseThrow().surgeId());
        assertEquals(Surge.Status.CANCELLED, cancelled.statusAt(T));
        Surge first = surge("c", T.minusSeconds(5), T.plus(Duration.ofHours(3)));
        assertEquals("c", new SurgeCalendar(List.of(later, first)).freezing(T, LEAD).orElseThrow().surgeId());
    }

    @Test
    void aDeployOverrideLetsDeploymentsThroughOnlyWhileItLastsAndNeverPastTheEnd() {
        Surge s = surge("a", T, T.plus(Duration.ofHours(1)));
        Surge o = s.overriddenForDeploys("hotfix", "ops", T.plus(Duration.ofMinutes(50)), Duration.ofMinutes(60));
        assertEquals(T.plus(Duration.ofHours(1)), o.deployOverride().orElseThrow().expiresAt(), "capped at the end");
        SurgeCalendar c = new SurgeCalendar(List.of(o));
        assertTrue(c.freezingDeploys(T.plus(Duration.ofMinutes(49)), LEAD).isPresent(), "before the override");
        assertTrue(c.freezingDeploys(T.plus(Duration.ofMinutes(55)), LEAD).isEmpty(), "during it");
        assertTrue(c.freezing(T.plus(Duration.ofMinutes(55)), LEAD).isPresent(), "maintenance stays frozen");
        Surge other = surge("b", T, T.plus(Duration.ofHours(1)));
        assertEquals("b", new SurgeCalendar(List.of(o, other)).freezingDeploys(T.plus(Duration.ofMinutes(55)), LEAD)
                .orElseThrow().surgeId(), "every freezing surge must be overridden");
    }

    @Test
    void leadTimesAreWholeMinutesWithinADay() {
        assertEquals(SurgeCalendar.DEFAULT_LEAD, SurgeCalendar.lead(null));
        assertEquals(Duration.ofMinutes(45), SurgeCalendar.lead(" 45 "));
        assertThrows(IllegalArgumentException.class, () -> SurgeCalendar.lead("-1"));
        assertThrows(IllegalArgumentException.class, () -> SurgeCalendar.lead("1441"));
        assertThrows(IllegalArgumentException.class, () -> SurgeCalendar.lead("half an hour"));
        assertThrows(IllegalArgumentException.class, () -> new ExpectedPeak(-1, 0, 0));
    }

    @Test
    void aMaintenancePastItsAnnouncedEndIsExtended() {
        PlatformStatus halted = PlatformStatus.initial(T).changeTo(TradingMode.TRADING_HALTED, Optional.of("Upgrade"),
                Optional.of(T.plus(Duration.ofMinutes(30))), T);
        assertFalse(halted.extendedAt(T.plus(Duration.ofMinutes(30))), "at the announced end: on time");
        assertTrue(halted.extendedAt(T.plus(Duration.ofMinutes(31))));
        assertEquals(Duration.ofMinutes(1), halted.overrunAt(T.plus(Duration.ofMinutes(31))));
        assertEquals("Upgrade " + PlatformStatus.extendedNotice("10:30"), halted.noticeAt(T.plus(Duration.ofHours(1)), "10:30").orElseThrow());
        PlatformStatus back = halted.changeTo(TradingMode.NORMAL, Optional.empty(), T.plus(Duration.ofHours(2)));
        assertFalse(back.extendedAt(T.plus(Duration.ofHours(3))));
        assertThrows(IllegalArgumentException.class, () -> new PlatformStatus(TradingMode.NORMAL, Optional.empty(), T,
                Optional.of(T), 0));
    }
}
