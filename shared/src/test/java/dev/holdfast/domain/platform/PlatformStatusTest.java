package dev.holdfast.domain.platform;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlatformStatusTest {
    static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");
    static final Instant T1 = T0.plusSeconds(60);

    @Test
    void sinceMovesOnlyWhenTheModeChanges() {
        PlatformStatus s = PlatformStatus.initial(T0);
        PlatformStatus halted = s.changeTo(TradingMode.TRADING_HALTED, Optional.of("upgrade"), T1);
        assertEquals(T1, halted.since());
        assertEquals(1, halted.revision());
        PlatformStatus edited = halted.changeTo(TradingMode.TRADING_HALTED, Optional.of("upgrade, 10 min"), T1.plusSeconds(5));
        assertEquals(T1, edited.since(), "editing the notice keeps the halt's start");
        assertEquals(2, edited.revision());
    }

    @Test
    void modesGateMoneyAndSignups() {
        assertTrue(TradingMode.NORMAL.allowsMoneyMovement());
        assertFalse(TradingMode.TRADING_HALTED.allowsMoneyMovement());
        assertFalse(TradingMode.READ_ONLY.allowsMoneyMovement());
        assertTrue(TradingMode.TRADING_HALTED.allowsSignups());
        assertFalse(TradingMode.READ_ONLY.allowsSignups());
    }
}
