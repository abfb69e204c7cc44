package dev.holdfast.functions.waitingroom;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.functions.runtime.Invocation;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.signups.VerifierStats;
import dev.holdfast.persistence.waitingroom.WaitingRoomStore;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.domain.waitingroom.AdmissionPace;
import dev.holdfast.domain.waitingroom.Cohort;
import dev.holdfast.domain.waitingroom.PositionStripes;
import dev.holdfast.domain.waitingroom.VerifierHealth;
import dev.holdfast.functions.runtime.JsonLog;
import dev.holdfast.functions.schedule.Ticks;
import dev.holdfast.persistence.waitingroom.WaitingRoomStore.CohortState;
import dev.holdfast.persistence.waitingroom.WaitingRoomStore.CohortTick;
import dev.holdfast.persistence.waitingroom.WaitingRoomStore.RolloutState;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Admits people: once a second, for each active rollout, it fills the rollout's {@link AdmissionPace}
 * at {@code admissionRatePerSecond × health factor} for the time since its last tick, and moves the
 * serving position of the open cohorts — earliest-opening first — over that many people (passing over
 * gaps of the position stripes). The health factor ({@link VerifierHealth}) halves while identity
 * verification errs or falls behind and climbs back when it recovers. A tick is one revision-guarded
 * transaction, so overlapping runs (an invocation still looping when the next minute's starts) never
 * admit twice; time since the stored last tick, not the number of ticks, decides how many are admitted.
 *
 * <p>People who entered after the serving position passed their (then empty) place — a stripe that was
 * behind — are admitted at once, and count against the tick that finds them. In AWS the rule fires once
 * a minute with {@code {"ticks": 60, "everySeconds": 1}}; locally each tick is its own event.
 */
public final class Admitter implements RequestHandler<Map<String, Object>, Void> {
    /** A closed cohort with nobody waiting is done; a rollout whose cohorts are all done is retired after this. */
    static final Duration RETIRE_AFTER_CLOSE = Duration.ofMinutes(5);

    private final WaitingRoomStore store;
    private final VerifierStats verifier;
    private final Clock clock;
    private final PositionStripes stripes = new PositionStripes(WaitingRoomStore.STRIPES);
    private final JsonLog log = new JsonLog("admitter");
    private final dev.holdfast.functions.runtime.Metrics metrics = new dev.holdfast.functions.runtime.Metrics("admitter");

    public Admitter() {
        this(Deployment.fromEnvironment());
        dev.holdfast.functions.runtime.Priming.register(dev.holdfast.resources.Functions.ADMITTER, Deployment.fromEnvironment(), this::prime);
    }

    /** SnapStart priming's stub work: the tick's reads and arithmetic, without a tick (a tick would admit people). */
    private void prime() {
        store.activeRollouts();
        VerifierStats.Snapshot s = verifier.read();
        VerifierHealth.Step h = VerifierHealth.FULL.next(s.calls(), s.errors(), s.backlog(), 100);
        AdmissionPace.START.tick(100, h.next().factorMilli(), 1000);
        long[] counts = new long[WaitingRoomStore.STRIPES];
        stripes.countUpTo(stripes.advance(0, 1, counts), counts);
    }

    public Admitter(Deployment deployment) {
        this.store = new WaitingRoomStore(deployment, new AuditLog(deployment));
        this.verifier = new VerifierStats(deployment);
        this.clock = deployment.clock();
    }

    @Override
    public Void handleRequest(Map<String, Object> event, Context context) {
        try (Invocation.Scope invocation = Invocation.begin(getClass(), context)) {
            return handle(event, context);
        }
    }

    private Void handle(Map<String, Object> event, Context context) {
        Ticks.of(event, 1).run(context, this::tick);
        return null;
    }

    /** One round over every active rollout. */
    public void tick() {
        List<String> active = store.activeRollouts();
        if (active.isEmpty()) {
            return;
        }
        VerifierStats.Snapshot health = verifier.read();
        for (String rolloutId : active) {
            store.rollout(rolloutId).ifPresent(r -> tick(r, health));
        }
    }

    private void tick(RolloutState r, VerifierStats.Snapshot health) {
        Instant now = clock.instant();
        long rate = r.rollout().admissionRatePerSecond();
        boolean firstTick = r.verifierCalls() < 0;
        VerifierHealth.Step h = new VerifierHealth(r.factorMilli()).next(
                firstTick ? 0 : Math.max(0, health.calls() - r.verifierCalls()),
                firstTick ? 0 : Math.max(0, health.errors() - r.verifierErrors()),
                health.backlog(), rate);
        long elapsed = r.lastTickAt().map(t -> Math.max(0, Duration.between(t, now).toMillis())).orElse(1000L);
        AdmissionPace.Step pace = new AdmissionPace(r.carryMicro()).tick(rate, h.next().factorMilli(), elapsed);
        long tokens = pace.admit();
        long effectiveRateMilli = rate * h.next().factorMilli();

        List<CohortTick> ticks = new ArrayList<>();
        boolean allDone = true;
        long admittedNow = 0;
        for (Cohort c : r.rollout().cohorts()) {
            if (now.isBefore(c.opensAt())) {
                allDone = false;
                continue;
            }
            CohortState st = store.cohort(r.rollout().rolloutId(), c.cohortId(), true).orElseThrow();
            long[] counts = store.stripeCounts(r.rollout().rolloutId(), c.cohortId());
            long alreadyIn = stripes.countUpTo(st.serving(), counts); // includes late fills behind serving
            long late = Math.max(0, alreadyIn - st.admitted());
            long waiting = stripes.total(counts) - alreadyIn;
            long take = Math.min(Math.max(0, tokens - late), waiting);
            tokens = Math.max(0, tokens - late - take);
            long serving = stripes.advance(st.serving(), take, counts);
            long admitted = stripes.countUpTo(serving, counts);
            long admittedThisTick = admitted - st.admitted();
            admittedNow += admittedThisTick;
            long rateNowMilli = elapsed == 0 ? 0 : admittedThisTick * 1_000_000 / elapsed;
            ticks.add(new CohortTick(st, serving, admitted, counts, rateNowMilli, effectiveRateMilli));
            if (now.isBefore(c.closesAt().plus(RETIRE_AFTER_CLOSE)) || admitted < stripes.total(counts)) {
                allDone = false;
            }
        }
        boolean applied = store.tick(r, h.next().factorMilli(), pace.next().carryMicro(), now,
                health.calls(), health.errors(), h.signal().name(), ticks);
        if (!applied) {
            return; // another run ticked this rollout first; the next tick carries on from its state
        }
        if (admittedNow > 0 || h.signal() != VerifierHealth.Signal.HEALTHY) {
            metrics.admittedPerSecond(elapsed == 0 ? 0 : admittedNow * 1000.0 / elapsed);
            ObjectNode line = log.line("INFO", r.rollout().rolloutId(), "admitted");
            line.put("rolloutId", r.rollout().rolloutId());
            line.put("admitted", admittedNow);
            line.put("elapsedMs", elapsed);
            line.put("factorMilli", h.next().factorMilli());
            line.put("signal", h.signal().name());
            line.put("verifierBacklog", health.backlog());
            log.write(line);
        }
        if (allDone) {
            store.retire(r.rollout().rolloutId());
        }
    }
}
