package dev.holdfast.functions.risk;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.functions.runtime.Invocation;
import dev.holdfast.persistence.orders.OrderStore;
import com.amazonaws.services.lambda.runtime.Context;
import dev.holdfast.functions.runtime.Priming;
import dev.holdfast.functions.schedule.Ticks;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.holdfast.resources.Functions;

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
        Priming.register(Functions.RISK_HEARTBEAT, Deployment.fromEnvironment(), this::prime);
    }

    /** SnapStart priming's stub work (see {@link Priming}); side-effect free on real data. */
    private void prime() {
        // no beat (it would be a false sign of a flowing pipeline): the orders table read is the work
    }

    public RiskHeartbeat(Deployment deployment) {
        this.orders = new OrderStore(deployment);
        this.clock = deployment.clock();
    }

    @Override
    public Void handleRequest(Map<String, Object> event, Context context) {
        try (Invocation.Scope invocation = Invocation.begin(getClass(), context)) {
            return handle(event, context);
        }
    }

    private Void handle(Map<String, Object> event, Context context) {
        Ticks.of(event, 5).run(context, this::beat);
        return null;
    }

    /** One heartbeat, stamped with the deployment's clock. */
    public void beat() {
        orders.heartbeatPut(clock.instant());
    }


}
