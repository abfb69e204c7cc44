package dev.holdfast.local.drill;

import dev.holdfast.persistence.orders.TradingGate;

/**
 * A change of trading mode binds every order commit sent more than {@link TradingGate#DEFAULT_TTL}
 * after {@code POST /admin/maintenance} answered (the contract allows up to 1 s): clients of the
 * local environment that change the mode and then test its effect wait that bound out, as an
 * operator's runbook does.
 */
public final class ModeBound {
    private ModeBound() {}

    /** Sleeps for the order path's mode bound and a margin for the commit already in flight. */
    public static void await() {
        try {
            Thread.sleep(TradingGate.DEFAULT_TTL.toMillis() + 150);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
