package dev.holdfast.infra;

import dev.holdfast.resources.Functions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which rollout each function gets: pure, no synth. */
class RolloutTest {

    @Test
    void apiFunctionsGetATenPercentCanaryAndAOneSecondP99() {
        Rollout orders = Rollout.of(Functions.ORDERS);
        assertEquals(new Rollout(Rollout.Kind.API, 10, 5, 1000), orders);
        assertEquals(Rollout.Kind.API, Rollout.of(Functions.PLATFORM).kind());
        assertEquals(Rollout.Kind.API, Rollout.of(Functions.WAITING_ROOM).kind());
        // reconciliation runs inside its request: its budget is its 29 s timeout, less 10%
        assertEquals(26_100, Rollout.of(Functions.RECONCILIATION).p99BudgetMs());
    }

    @Test
    void consumersShiftLinearly() {
        for (var f : new dev.holdfast.resources.FunctionDef[] {Functions.SETTLER, Functions.WITHDRAWAL_WORKER,
                Functions.FEED_INGESTER, Functions.RISK_PROCESSOR, Functions.SIGNUP_WORKER}) {
            Rollout r = Rollout.of(f);
            assertEquals(Rollout.Kind.CONSUMER, r.kind(), f.id());
            assertEquals(true, r.linear(), f.id());
            assertEquals(f.timeoutSeconds() * 900, r.p99BudgetMs(), f.id());
        }
    }

    @Test
    void schedulesGetAHalfCanaryLongEnoughToBeInvoked() {
        assertEquals(new Rollout(Rollout.Kind.SCHEDULE, 50, 10, 67_500), Rollout.of(Functions.FEED_WATCHDOG));
        assertEquals(10, Rollout.of(Functions.ADMITTER).minutes());
        assertEquals(10, Rollout.of(Functions.WITHDRAWAL_REDRIVE).minutes());
        // every 15 minutes: two periods
        assertEquals(30, Rollout.of(Functions.RECONCILER).minutes());
    }

    @Test
    void everyFunctionHasARollout() {
        Functions.ALL.forEach(Rollout::of);
    }
}
