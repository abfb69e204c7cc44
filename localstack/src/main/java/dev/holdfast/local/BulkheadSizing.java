package dev.holdfast.local;

import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.Functions;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bulkheads the local function host models: each function's reserved concurrency and the
 * account's concurrency limit, AWS's numbers, and the {@link LambdaConcurrency} they make on this
 * machine at a {@link LocalOptions.Concurrency} scale.
 */
public final class BulkheadSizing {
    private BulkheadSizing() {}

    /** Lambda's default concurrency limit per account and region. */
    public static final int ACCOUNT_LIMIT = 1000;

    /**
     * Reserved concurrency per function (AWS numbers). Provisional table until the sizing from
     * the capacity model lands in {@code shared}.
     */
    public static Map<FunctionDef, Integer> reserved() {
        Map<FunctionDef, Integer> m = new LinkedHashMap<>();
        m.put(Functions.ORDERS, 300);
        m.put(Functions.PLATFORM, 50);
        m.put(Functions.WALLET, 40);
        m.put(Functions.WAITING_ROOM, 200);
        m.put(Functions.SIGNUP, 40);
        m.put(Functions.SETTLER, 50);
        return m;
    }

    /** What the functions without a reservation share: the account's limit minus every reservation. */
    public static int unreserved() {
        return ACCOUNT_LIMIT - reserved().values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * This machine's limits: each reservation and the unreserved pool times {@code c.scale()}, rounded
     * up; without bulkheads one shared pool of the account's limit times the scale.
     */
    public static LambdaConcurrency local(LocalOptions.Concurrency c) {
        if (!c.bulkheads()) {
            return LambdaConcurrency.shared(c.scaled(ACCOUNT_LIMIT));
        }
        Map<String, Integer> scaled = new LinkedHashMap<>();
        reserved().forEach((f, n) -> scaled.put(f.id(), c.scaled(n)));
        return LambdaConcurrency.reserved(scaled, c.scaled(unreserved()));
    }
}
