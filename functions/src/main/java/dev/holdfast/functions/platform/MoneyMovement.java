package dev.holdfast.functions.platform;

import dev.holdfast.persistence.platform.StatusStore;
import dev.holdfast.api.ApiError;
import dev.holdfast.domain.platform.PlatformStatus;
/**
 * The contract's rule for every money-moving call (orders, withdrawals, settlement, credits):
 * while the platform mode is not NORMAL the answer is {@code 503 TRADING_HALTED} with the ops
 * notice, and nothing is committed. Callers check it before their transaction (which itself
 * re-checks the mode atomically) and again when that in-transaction check fails.
 */
public final class MoneyMovement {
    private MoneyMovement() {}

    /** The current status; throws {@code 503 TRADING_HALTED} unless money may move. */
    public static PlatformStatus requireAllowed(StatusStore status) {
        PlatformStatus st = status.current();
        if (!st.mode().allowsMoneyMovement()) {
            throw ApiError.tradingHalted(st.notice());
        }
        return st;
    }
}
