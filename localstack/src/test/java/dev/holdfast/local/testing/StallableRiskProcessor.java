package dev.holdfast.local.testing;

import dev.holdfast.runtime.Deployment;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.holdfast.functions.risk.RiskProcessor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The real {@link RiskProcessor}, which a test can stall: while stalled, an invocation waits (as a
 * processor stuck on a slow dependency would) until released, then processes its batch. It also
 * remembers whether the stream records carried {@code ApproximateCreationDateTime}.
 */
public final class StallableRiskProcessor implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    private static final AtomicReference<CountDownLatch> GATE = new AtomicReference<>();
    public static final AtomicBoolean SAW_RECORDS = new AtomicBoolean();
    public static final AtomicBoolean ALL_HAD_CREATION_TIME = new AtomicBoolean(true);

    private final RiskProcessor inner;

    public StallableRiskProcessor(Deployment deployment) {
        this.inner = new RiskProcessor(deployment);
    }

    public static void stall() {
        GATE.set(new CountDownLatch(1));
    }

    public static void release() {
        CountDownLatch g = GATE.getAndSet(null);
        if (g != null) {
            g.countDown();
        }
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        CountDownLatch g = GATE.get();
        if (g != null) {
            try {
                g.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (DynamodbEvent.DynamodbStreamRecord r : event.getRecords()) {
            SAW_RECORDS.set(true);
            if (r.getDynamodb().getApproximateCreationDateTime() == null) {
                ALL_HAD_CREATION_TIME.set(false);
            }
        }
        return inner.handleRequest(event, context);
    }
}
