package dev.holdfast.functions.risk;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.holdfast.persistence.Deployment;
import dev.holdfast.persistence.OrderStore;

import java.time.Clock;
import java.util.Map;

/**
 * Keeps the post-trade risk pipeline's lag measurable while no order arrives: every
 * {@code everySeconds} it overwrites the heartbeat item of the orders table
 * ({@link OrderStore#heartbeatPut}), which reaches {@link RiskProcessor} through the same stream
 * as the orders. A healthy, idle processor thus reports a lag near zero every few seconds; a
 * stalled stream or processor reports nothing, and the order path fails closed once the last
 * report is older than {@code failClose.maxRiskLagSeconds}. In AWS the rule fires every minute
 * with {@code {"ticks": 12, "everySeconds": 5}} and the invocation loops (timeout 75 s); locally
 * each tick is its own event.
 */
public final class RiskHeartbeat implements RequestHandler<Map<String, Object>, Void> {
    private final OrderStore orders;
    private final Clock clock;

    public RiskHeartbeat() {
        this(Deployment.fromEnvironment());
    }

    public RiskHeartbeat(Deployment deployment) {
        this.orders = new OrderStore(deployment);
        this.clock = deployment.clock();
    }

    @Override
    public Void handleRequest(Map<String, Object> event, Context context) {
        Object detailObject = event == null ? null : event.get("detail");
        Map<?, ?> detail = detailObject instanceof Map<?, ?> d ? d : event == null ? Map.of() : event;
        int ticks = number(detail.get("ticks"), 1);
        int everySeconds = Math.max(1, number(detail.get("everySeconds"), 5));
        for (int tick = 0; tick < ticks; tick++) {
            long started = System.currentTimeMillis();
            beat();
            if (tick + 1 < ticks) {
                long wait = started + everySeconds * 1000L - System.currentTimeMillis();
                if (context != null && context.getRemainingTimeInMillis() < wait + 5_000) {
                    break;
                }
                sleep(wait);
            }
        }
        return null;
    }

    /** One heartbeat, stamped with the deployment's clock. */
    public void beat() {
        orders.heartbeatPut(clock.instant());
    }

    private static int number(Object o, int fallback) {
        return o instanceof Number n ? n.intValue() : fallback;
    }

    private static void sleep(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
