package dev.holdfast.local.drill;

import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.reconciliation.ReconciliationReader;
import dev.holdfast.persistence.wallet.WalletStore;
import dev.holdfast.persistence.withdrawals.WithdrawalStore;
import dev.holdfast.domain.reconciliation.ReconciliationReport;
import dev.holdfast.domain.wallet.Account;
import dev.holdfast.domain.withdrawal.Withdrawal;
import dev.holdfast.domain.withdrawal.WithdrawalStatus;
import dev.holdfast.local.LocalHoldfast;
import dev.holdfast.local.LocalOptions;
import dev.holdfast.local.bank.StandInBank;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A listing day: 8× the usual withdrawal traffic while the bank first hangs (answers nothing
 * within the client's timeout, books nothing) and then answers late (books at once, confirms after
 * the client gave up). Then the bank recovers and every withdrawal must finish. An auditor watches
 * the withdrawals' stored status every few hundred milliseconds and compares with the stand-in
 * bank's own book.
 *
 * <p>Must hold: no withdrawal is seen {@code COMPLETED} before the bank booked it; none is paid
 * twice (the bank's book has each transfer once and its total is what Holdfast completed); none
 * is left behind; the held money reconciles (zero drift mid-spike and after; at the end nothing
 * held and cash = funding − completed).
 *
 * <p>Sabotage: while the bank hangs, a test hook commits one withdrawal as COMPLETED (with its
 * proper ledger posting) without the bank having confirmed it.
 */
public final class ListingSpike extends AbstractDrill {
    static final String NAME = "listing-spike";
    static final long FUNDING = 1_000_000;
    public static final String COMPLETED_AFTER_BANK = "no withdrawal is COMPLETED before the bank confirmed it";

    public ListingSpike(DrillSettings settings) {
        super(NAME,
                "8x withdrawals while the bank hangs then answers late: nothing COMPLETED before the bank confirms, nothing paid twice, held money reconciles",
                settings);
    }

    private record Requested(String user, String key, long amount, DrillClient.Reply reply) {
        String id() {
            return reply.json().path("withdrawalId").asText(null);
        }
    }

    @Override
    public DrillReport run(DrillProgress progress) throws Exception {
        DrillReport report = new DrillReport(NAME);
        progress.step("starting the embedded environment");
        try (LocalHoldfast env = LocalHoldfast.start(LocalOptions.defaults().withPort(0))) {
            Run r = new Run(env, progress, report);
            r.setUp();
            r.startAuditor();
            r.spike();
            r.stopAuditor();
            r.reportFigures();
            r.checkBankBook();
            r.checkHeldMoney();
        }
        return report;
    }

    /** One run of the drill: its environment, the auditor, the withdrawals and what they became, phase by phase. */
    private final class Run {
        final LocalHoldfast env;
        final DrillProgress progress;
        final DrillReport report;
        final int users = settings.scaled(30, 4);
        final double baseRate = 2;
        final double baseSeconds = settings.scaled(4, 1);
        final double spikeSeconds = settings.scaled(8, 2);
        final Random random = new Random(settings.seed());
        final DrillClient api;
        final StandInBank bank;
        final WalletStore wallet;
        final WithdrawalStore store;
        final String run = UUID.randomUUID().toString().substring(0, 8);
        final List<String> subs = new ArrayList<>();
        final Map<String, String> tokens = new HashMap<>();
        final ConcurrentLinkedQueue<Requested> requested = new ConcurrentLinkedQueue<>();
        final Map<String, Long> amountOf = new ConcurrentHashMap<>();
        final Map<String, String> ownerOf = new ConcurrentHashMap<>();
        final Set<String> watched = ConcurrentHashMap.newKeySet();
        final Set<String> completedSeen = ConcurrentHashMap.newKeySet();
        final ConcurrentLinkedQueue<String> earlyCompletions = new ConcurrentLinkedQueue<>();
        final AtomicInteger looks = new AtomicInteger();
        final AtomicBoolean stop = new AtomicBoolean();
        final Map<String, BigDecimal> completedPerUser = new HashMap<>();
        Thread auditor;
        ReconciliationReport midSpike;
        List<Requested> all;
        long accepted;

        Run(LocalHoldfast env, DrillProgress progress, DrillReport report) {
            this.env = env;
            this.progress = progress;
            this.report = report;
            this.api = new DrillClient(env);
            this.bank = env.bank();
            this.wallet = new WalletStore(env.deployment(), new AuditLog(env.deployment()));
            this.store = new WithdrawalStore(env.deployment(), wallet);
        }

        void setUp() {
            progress.step("setup: " + users + " accounts with " + FUNDING + " cash each");
            for (int i = 0; i < users; i++) {
                String sub = "listing-" + i + "-" + run;
                api.fund(sub, Long.toString(FUNDING), "CASH");
                subs.add(sub);
                tokens.put(sub, api.token(sub));
            }
        }

        /** The auditor: every COMPLETED it sees must already be in the bank's book. */
        void startAuditor() {
            auditor = new Thread(() -> {
                while (!stop.get()) {
                    for (String id : List.copyOf(watched)) {
                        Optional<Withdrawal> w = store.withdrawal(id);
                        looks.incrementAndGet();
                        if (w.isPresent() && w.get().status() != WithdrawalStatus.PENDING) {
                            if (w.get().status() == WithdrawalStatus.COMPLETED) {
                                completedSeen.add(id);
                                if (!bank.paid(id)) {
                                    earlyCompletions.add(id);
                                }
                            }
                            watched.remove(id);
                        }
                    }
                    DrillClient.sleep(250);
                }
            }, "drill-auditor");
            auditor.setDaemon(true);
            auditor.start();
        }

        /** Usual traffic, the 8x listing while the bank hangs and then answers late, a mid-spike reconciliation, the recovery. */
        void spike() throws Exception {
            long[] amounts = new long[4096];
            int[] userOf = new int[amounts.length];
            for (int i = 0; i < amounts.length; i++) {
                amounts[i] = 1000L * (1 + random.nextInt(50));
                userOf[i] = random.nextInt(users);
            }
            AtomicInteger answered = new AtomicInteger();
            try (OpenLoop loop = new OpenLoop(32)) {
                java.util.function.LongConsumer request = n -> {
                    String sub = subs.get(userOf[(int) n % userOf.length]);
                    long amount = amounts[(int) n % amounts.length];
                    String key = "listing-" + n;
                    DrillClient.Reply r = api.withdraw(tokens.get(sub), key, Long.toString(amount));
                    Requested q = new Requested(sub, key, amount, r);
                    requested.add(q);
                    answered.incrementAndGet();
                    if (r.status() == 202 && q.id() != null) {
                        amountOf.put(q.id(), amount);
                        ownerOf.put(q.id(), sub);
                        watched.add(q.id());
                    }
                };
                java.util.function.Supplier<String> live = () -> String.format(Locale.ROOT,
                        "bank %s; requested %d, answered %d; pending %d, completed %d; bank booked %s, sends %d",
                        bank.mode(), loop.sent(), answered.get(), watched.size(), completedSeen.size(),
                        bank.paidTotal().toPlainString(), bank.sendsReceived());
                progress.step(String.format(Locale.ROOT, "usual traffic: %.0f withdrawals/s for %.0f s, bank healthy", baseRate, baseSeconds), live);
                loop.run(baseRate, baseSeconds, request);

                bank.hangMillis(settings.scaled(4_000, 2_500)).mode(StandInBank.Mode.HANG);
                progress.step(String.format(Locale.ROOT, "LISTING: %.0f withdrawals/s (8x) for %.0f s; the bank HANGS (no answer within the 2 s timeout)",
                        baseRate * 8, spikeSeconds / 2), live);
                loop.run(baseRate * 8, spikeSeconds / 2, request);
                if (settings.sabotage()) {
                    progress.note("SABOTAGE: a test hook completes one pending withdrawal the bank never confirmed");
                    completeEarly(requested, bank, wallet, store);
                }
                bank.lateMillis(3_000).mode(StandInBank.Mode.LATE);
                progress.step(String.format(Locale.ROOT, "LISTING: %.0f withdrawals/s (8x) for %.0f s; the bank answers LATE (books, confirms after 3 s)",
                        baseRate * 8, spikeSeconds / 2), live);
                loop.run(baseRate * 8, spikeSeconds / 2, request);
                loop.awaitAll();
                progress.step("reconciling mid-spike (the worker is still busy)", live);
                midSpike = new ReconciliationReader(env.deployment(), 4).run();

                bank.mode(StandInBank.Mode.SUCCEED);
                progress.step("the bank recovers: waiting for every withdrawal to finish", live);
                long until = System.nanoTime() + Duration.ofSeconds(settings.scaled(120, 60)).toNanos();
                while (!watched.isEmpty() && System.nanoTime() < until) {
                    DrillClient.sleep(250);
                }
            }
        }

        void stopAuditor() throws InterruptedException {
            stop.set(true);
            auditor.join(5_000);
        }

        void reportFigures() {
            all = new ArrayList<>(requested);
            Map<Integer, Integer> byStatus = new java.util.TreeMap<>();
            all.forEach(q -> byStatus.merge(q.reply().status(), 1, Integer::sum));
            accepted = all.stream().filter(q -> q.reply().status() == 202).count();
            report.figure("withdrawals requested", all.size() + " (" + Math.round(baseRate * baseSeconds) + " at " + baseRate + "/s, then "
                    + Math.round(baseRate * 8 * spikeSeconds) + " at " + baseRate * 8 + "/s), answers " + byStatus);
            report.figure("bank", "sends received " + bank.sendsReceived() + " for " + accepted + " withdrawals (retries after hangs and late answers)");
        }

        /**
         * Checks {@link #COMPLETED_AFTER_BANK}, "no withdrawal is paid twice; the bank's book = what Holdfast
         * completed" and "every withdrawal is accepted and finishes once the bank is back".
         */
        void checkBankBook() {
            List<String> completedNotBooked = new ArrayList<>();
            int completed = 0;
            int failed = 0;
            int pending = 0;
            BigDecimal completedTotal = BigDecimal.ZERO;
            BigDecimal bookedTotal = BigDecimal.ZERO;
            for (String id : amountOf.keySet()) {
                Withdrawal w = store.withdrawal(id).orElseThrow();
                if (bank.paid(id)) {
                    bookedTotal = bookedTotal.add(BigDecimal.valueOf(amountOf.get(id)));
                }
                switch (w.status()) {
                    case COMPLETED -> {
                        completed++;
                        completedTotal = completedTotal.add(BigDecimal.valueOf(amountOf.get(id)));
                        completedPerUser.merge(ownerOf.get(id), BigDecimal.valueOf(amountOf.get(id)), BigDecimal::add);
                        if (!bank.paid(id)) {
                            completedNotBooked.add(id);
                        }
                    }
                    case FAILED -> failed++;
                    default -> pending++;
                }
            }
            report.check(COMPLETED_AFTER_BANK,
                    earlyCompletions.isEmpty() && completedNotBooked.isEmpty(),
                    "%d COMPLETED seen by the auditor over %d status reads, %d of them before the bank's book had them; at the end %d COMPLETED not in the bank's book%s",
                    completedSeen.size(), looks.get(), earlyCompletions.size(), completedNotBooked.size(),
                    earlyCompletions.isEmpty() ? "" : " (first: " + earlyCompletions.peek() + ")");
            report.check("no withdrawal is paid twice; the bank's book = what Holdfast completed", bank.doublePayments() == 0 && bank.paidTotal().compareTo(bookedTotal) == 0
                            && bookedTotal.compareTo(completedTotal) == 0,
                    "bank double bookings %d; bank's book total %s = sum of booked withdrawals %s = sum of COMPLETED %s",
                    bank.doublePayments(), bank.paidTotal().toPlainString(), bookedTotal.toPlainString(), completedTotal.toPlainString());
            long non202 = all.stream().filter(q -> q.reply().status() != 202).count();
            report.check("every withdrawal is accepted and finishes once the bank is back", non202 == 0 && pending == 0 && failed == 0,
                    "%d requests: %d answered 202 PENDING, %d otherwise; finished %d COMPLETED, %d FAILED, %d still PENDING",
                    all.size(), accepted, non202, completed, failed, pending);
        }

        /** "held money reconciles": zero drift mid-spike and after, nothing held, cash = funding - completed. */
        void checkHeldMoney() {
            ReconciliationReport end = new ReconciliationReader(env.deployment(), 4).run();
            int off = 0;
            String firstOff = null;
            for (String sub : subs) {
                Account a = wallet.account(sub);
                BigDecimal expectCash = BigDecimal.valueOf(FUNDING).subtract(completedPerUser.getOrDefault(sub, BigDecimal.ZERO));
                if (a.heldForWithdrawal().value().signum() != 0 || a.cash().value().compareTo(expectCash) != 0) {
                    off++;
                    if (firstOff == null) {
                        firstOff = sub + ": cash " + a.cash() + " held " + a.heldForWithdrawal() + ", expected cash " + expectCash.toPlainString();
                    }
                }
            }
            report.check("held money reconciles", midSpike.drift() == 0 && end.drift() == 0 && off == 0,
                    "drift mid-spike %d (%d accounts), after %d (%d accounts); accounts with money still held or cash != funding - completed: %d of %d%s",
                    midSpike.drift(), midSpike.accountsChecked(), end.drift(), end.accountsChecked(), off, subs.size(),
                    firstOff == null ? "" : " (first: " + firstOff + ")");
        }
    }

    /** The sabotage: a pending withdrawal the bank never booked, committed as COMPLETED with its posting. */
    private static void completeEarly(ConcurrentLinkedQueue<Requested> requested, StandInBank bank, WalletStore wallet,
                                      WithdrawalStore store) {
        for (Requested q : requested) {
            String id = q.id();
            if (id == null || bank.paid(id)) {
                continue;
            }
            Optional<Withdrawal> w = store.withdrawal(id);
            if (w.isEmpty() || w.get().status() != WithdrawalStatus.PENDING) {
                continue;
            }
            for (int attempt = 0; attempt < 10; attempt++) {
                Account account = wallet.account(w.get().accountId());
                Instant now = Instant.now();
                WithdrawalStore.FinishOutcome finished =
                        store.finish(id, WithdrawalStatus.COMPLETED, null, account.withdrawalPaid(id, w.get().amount(), now), now);
                if (finished instanceof WithdrawalStore.Finished) {
                    return;
                }
                if (finished instanceof WithdrawalStore.AlreadyFinished) {
                    break;
                }
                DrillClient.sleep(20); // Raced
            }
        }
        throw new IllegalStateException("sabotage: found no pending withdrawal to complete early");
    }
}
