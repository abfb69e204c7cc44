package dev.holdfast.domain.platform;

/** The platform's operating mode, switched by ops through {@code POST /admin/maintenance}. */
public enum TradingMode {
    /** Everything works. */
    NORMAL,
    /** Money-moving calls (orders, withdrawals, settlement, credits) answer 503; reads and signups work. */
    TRADING_HALTED,
    /** As {@link #TRADING_HALTED}, and signups are refused too. */
    READ_ONLY;

    public boolean allowsMoneyMovement() {
        return this == NORMAL;
    }

    public boolean allowsSignups() {
        return this != READ_ONLY;
    }
}
