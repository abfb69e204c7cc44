package dev.holdfast.local.drills;

import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;

import dev.holdfast.persistence.FaultPoint;
import dev.holdfast.persistence.reconciliation.ReconciliationReader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.domain.reconciliation.ReconciliationReport;
import dev.holdfast.domain.withdrawal.WithdrawalStatus;
import dev.holdfast.functions.feed.FeedIngester;
import dev.holdfast.functions.settlement.Settler;
import dev.holdfast.functions.withdrawals.HttpBankTransfers;
import dev.holdfast.functions.withdrawals.WithdrawalWorker;
import dev.holdfast.local.bank.StandInBank;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Api.Reply;
import dev.holdfast.local.testing.Markets;
import dev.holdfast.local.testing.Trading;
import dev.holdfast.local.testing.Withdrawing;
import dev.holdfast.resources.Triggers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Holdfast's small-scale deterministic simulation: one seeded random stream chooses every step —
 * credits, orders (some on stale price versions), price updates, market closes and results,
 * settlement runs, withdrawals against a stand-in bank that succeeds, refuses, hangs or answers
 * late, and injected faults (an exception or a simulated Lambda timeout after a random write of
 * the settlement and withdrawal workers) — and after EVERY step an independent auditor checks the
 * invariants: reconciliation finds no drift (every balance is the sum of its ledger, every exposure
 * view the sum of the open orders), the bank booked nothing twice, no withdrawal is COMPLETED that
 * the bank did not book, and no balance is negative.
 *
 * <p>The environment runs no background consumers (queues, streams, schedules): each step is run
 * by the test itself, in order, so a seed replays the same choices. Timing-dependent outcomes (a
 * hanging bank, a lease still running) only delay work to a later step. Reproduce a run with
 * {@code -Dholdfast.sim.seed=<seed>}; lengthen it with {@code -Dholdfast.sim.steps=<n>}.
 */
class SimulationTest {
    private static final long SEED = Long.getLong("holdfast.sim.seed", System.nanoTime());
    private static final int STEPS = Integer.getInteger("holdfast.sim.steps", 600);
    private static LocalHoldfast env;
    private static Trading trading;
    private static Api api;
    private static Withdrawing withdrawing;
    private static StandInBank bank;

    enum Step { CREDIT, ORDER, PRICE, CLOSE_AND_RESULT, SETTLE, WITHDRAW, PAY_WITHDRAWALS, NEW_MARKET }

    @BeforeAll
    static void start() throws Exception {
        env = LocalHoldfast.start(LocalOptions.defaults().withPort(0), new Triggers.TriggerSet(List.of(), List.of(), List.of()));
        trading = new Trading(env);
        api = trading.api();
        withdrawing = new Withdrawing(env, api);
        bank = env.bank();
        trading.changeRiskConfig(Trading::forVolume);
    }

    @AfterAll
    static void stop() {
        env.close();
    }

    /** A market the simulation trades on. */
    static final class SimMarket {
        final JsonNode market;
        final String providerMarketId;
        long sequence = 1;
        String state = "OPEN";

        SimMarket(JsonNode market, String providerMarketId) {
            this.market = market;
            this.providerMarketId = providerMarketId;
        }

        String id() {
            return market.path("marketId").asText();
        }
    }

    @Test
    void thousandsOfRandomStepsWithFaultsKeepEveryInvariant() {
        System.out.printf("SIMULATION seed=%d steps=%d (reproduce: -Dholdfast.sim.seed=%d)%n", SEED, STEPS, SEED);
        Random random = new Random(SEED);
        FeedIngester ingester = new FeedIngester(env.deployment());
        ReconciliationReader auditor = new ReconciliationReader(env.deployment());
        List<SimMarket> markets = new ArrayList<>();
        Map<String, String> users = new LinkedHashMap<>();
        List<String> withdrawalIds = new ArrayList<>();
        Map<String, String> withdrawalOwner = new LinkedHashMap<>();
        Map<Step, Integer> counts = new EnumMap<>(Step.class);
        int faults = 0;
        int accepted = 0;
        for (int u = 0; u < 6; u++) {
            String sub = "sim-" + u + "-" + SEED;
            users.put(sub, api.token(sub));
        }
        markets.add(newMarket(ingester, random));
        long started = System.nanoTime();

        for (int step = 1; step <= STEPS; step++) {
            Step s = pick(random);
            counts.merge(s, 1, Integer::sum);
            List<String> subs = new ArrayList<>(users.keySet());
            String sub = subs.get(random.nextInt(subs.size()));
            String token = users.get(sub);
            try {
                switch (s) {
                    case CREDIT -> trading.credit(sub, Integer.toString(1_000 + random.nextInt(50_000)),
                            random.nextInt(4) == 0 ? "BONUS" : "CASH");
                    case ORDER -> {
                        List<SimMarket> open = markets.stream().filter(m -> m.state.equals("OPEN")).toList();
                        if (!open.isEmpty()) {
                            SimMarket m = open.get(random.nextInt(open.size()));
                            JsonNode current = api.get("/markets/" + m.id(), token).json();
                            long version = current.path("price").path("priceVersion").asLong()
                                    - (random.nextInt(6) == 0 ? 1 : 0); // sometimes an outdated price
                            String selection = m.market.path("selections").get(random.nextInt(3)).path("selectionId").asText();
                            String body = "{\"marketId\":\"" + m.id() + "\",\"selectionId\":\"" + selection + "\",\"stake\":\""
                                    + (1_000 + random.nextInt(20_000)) + "\",\"priceVersion\":" + Math.max(1, version) + "}";
                            Reply r = trading.order(token, "sim-" + step, body);
                            assertTrue(r.status() == 201 || r.status() == 409 || r.status() == 422, r.raw());
                            accepted += r.status() == 201 ? 1 : 0;
                        }
                    }
                    case PRICE -> {
                        List<SimMarket> priced = markets.stream().filter(m -> m.state.equals("OPEN")).toList();
                        if (!priced.isEmpty()) {
                            SimMarket m = priced.get(random.nextInt(priced.size()));
                            ingester.apply("sim-" + step, Instant.now(), Markets.feedBody(m.providerMarketId, ++m.sequence,
                                    probabilities(random)));
                        }
                    }
                    case CLOSE_AND_RESULT -> {
                        List<SimMarket> open = markets.stream().filter(m -> m.state.equals("OPEN")).toList();
                        if (open.size() > 1) {
                            SimMarket m = open.get(random.nextInt(open.size()));
                            assertEquals(200, api.post("/admin/markets/" + m.id() + "/state", trading.admin(),
                                    "{\"state\":\"CLOSED\"}").status());
                            String result = random.nextInt(5) == 0 ? "{\"void\":true}"
                                    : "{\"winningSelectionId\":\"" + m.market.path("selections").get(random.nextInt(3))
                                    .path("selectionId").asText() + "\"}";
                            Reply d = api.send("POST", "/admin/markets/" + m.id() + "/result", trading.admin(), result,
                                    "Idempotency-Key", "sim-result-" + step);
                            assertEquals(202, d.status(), d.raw());
                            m.state = "SETTLING";
                        }
                    }
                    case SETTLE -> {
                        for (SimMarket m : markets.stream().filter(x -> x.state.equals("SETTLING")).toList()) {
                            boolean inject = random.nextBoolean();
                            Settler settler = new Settler(env.deployment(), inject ? randomFault(random, SETTLER_STEPS) : FaultPoint.NONE,
                                    Duration.ofSeconds(30), 4);
                            try {
                                if (settler.settle(m.id()) == Settler.Run.FINISHED) {
                                    m.state = "DONE";
                                }
                            } catch (InjectedFault | InjectedTimeout e) {
                                faults++;
                            }
                        }
                    }
                    case WITHDRAW -> {
                        bank.mode(StandInBank.Mode.values()[random.nextInt(10) < 7 ? 0 : 1 + random.nextInt(3)]);
                        Reply r = withdrawing.withdraw(token, "sim-w-" + step, Integer.toString(100 + random.nextInt(5_000)));
                        assertTrue(r.status() == 202 || r.status() == 422, r.raw());
                        if (r.status() == 202) {
                            withdrawalIds.add(r.json().path("withdrawalId").asText());
                            withdrawalOwner.put(r.json().path("withdrawalId").asText(), sub);
                        }
                    }
                    case PAY_WITHDRAWALS -> {
                        bank.mode(random.nextInt(10) < 8 ? StandInBank.Mode.SUCCEED : StandInBank.Mode.REFUSE);
                        for (String id : withdrawalIds) {
                            if (withdrawing.stored(id).orElseThrow().status() != WithdrawalStatus.PENDING) {
                                continue;
                            }
                            boolean inject = random.nextBoolean();
                            WithdrawalWorker worker = new WithdrawalWorker(env.deployment(),
                                    new HttpBankTransfers(URI.create(bank.url()), Duration.ofMillis(300)),
                                    inject ? randomFault(random, WORKER_STEPS) : FaultPoint.NONE, Duration.ofMillis(400));
                            try {
                                worker.process(id);
                            } catch (InjectedTimeout e) {
                                faults++;
                            } catch (RuntimeException e) { // an injected fault, or NotYet / bank unanswered: later
                                faults += e instanceof InjectedFault ? 1 : 0;
                            }
                        }
                    }
                    case NEW_MARKET -> {
                        if (markets.stream().filter(m -> m.state.equals("OPEN")).count() < 3) {
                            markets.add(newMarket(ingester, random));
                        }
                    }
                }
            } catch (InjectedFault | InjectedTimeout f) {
                faults++;
            }
            audit(step, s, auditor, withdrawalIds);
            if (step % 250 == 0) {
                System.out.printf("  ... step %d/%d: %d orders accepted, %d faults injected, %.1f s%n", step, STEPS, accepted,
                        faults, (System.nanoTime() - started) / 1e9);
            }
        }
        System.out.printf("SIMULATION done: seed=%d, %d steps %s, %d orders accepted, %d withdrawals, %d faults, "
                        + "bank paid %s once each, %.1f s%n", SEED, STEPS, counts, accepted, withdrawalIds.size(), faults,
                bank.paidTotal(), (System.nanoTime() - started) / 1e9);
        assertTrue(accepted > 0 && faults > 0, "the run exercised orders and faults");
    }

    private static final List<String> SETTLER_STEPS = List.of("order-settled", "page-settled", "progress-saved", "market-finished");
    private static final List<String> WORKER_STEPS = List.of("attempt-recorded", "bank-answered", "completed", "failed");

    /** Thrown by the simulation's fault points: an exception, or (as an Error) a Lambda timeout. */
    static final class InjectedFault extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedFault(String step) {
            super("injected fault after " + step, null, false, false);
        }
    }

    static final class InjectedTimeout extends Error {
        private static final long serialVersionUID = 1L;

        InjectedTimeout(String step) {
            super("injected timeout after " + step, null, false, false);
        }
    }

    private static FaultPoint randomFault(Random random, List<String> steps) {
        String at = steps.get(random.nextInt(steps.size()));
        boolean timeout = random.nextBoolean();
        return step -> {
            if (step.equals(at)) {
                if (timeout) {
                    throw new InjectedTimeout(step);
                }
                throw new InjectedFault(step);
            }
        };
    }

    private static Step pick(Random random) {
        int r = random.nextInt(100);
        if (r < 12) return Step.CREDIT;
        if (r < 52) return Step.ORDER;
        if (r < 67) return Step.PRICE;
        if (r < 71) return Step.CLOSE_AND_RESULT;
        if (r < 80) return Step.SETTLE;
        if (r < 88) return Step.WITHDRAW;
        if (r < 97) return Step.PAY_WITHDRAWALS;
        return Step.NEW_MARKET;
    }

    private static String[] probabilities(Random random) {
        int a = 20 + random.nextInt(50);
        int b = 10 + random.nextInt(90 - a - 5);
        int c = 100 - a - b;
        return new String[]{"0." + pad(a), "0." + pad(b), "0." + pad(c)};
    }

    private static String pad(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    private static SimMarket newMarket(FeedIngester ingester, Random random) {
        Markets m = trading.markets();
        String pm = Markets.newProviderMarketId();
        JsonNode created = m.market(pm);
        String id = created.path("marketId").asText();
        ingester.apply("sim-open-" + id, Instant.now(), Markets.feedBody(pm, 1, probabilities(random)));
        Reply open = api.post("/admin/markets/" + id + "/state", trading.admin(), "{\"state\":\"OPEN\"}");
        assertEquals(200, open.status(), open.raw());
        return new SimMarket(open.json(), pm);
    }

    /** The independent auditor, after every step. */
    private static void audit(int step, Step s, ReconciliationReader auditor, List<String> withdrawalIds) {
        ReconciliationReport report = auditor.run();
        if (report.drift() != 0) {
            fail("seed " + SEED + ", step " + step + " (" + s + "): reconciliation drift " + report.drift() + ": "
                    + report.mismatches());
        }
        Optional<String> v = withdrawing.violations(bank, withdrawalIds);
        if (v.isPresent()) {
            fail("seed " + SEED + ", step " + step + " (" + s + "): " + v.get());
        }
    }
}
