package dev.holdfast.functions.settlement;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.functions.runtime.Invocation;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.markets.MarketStore;
import dev.holdfast.persistence.platform.StatusStore;
import dev.holdfast.persistence.settlement.SettlementStore;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.domain.market.Market;
import dev.holdfast.domain.market.MarketState;
import dev.holdfast.functions.runtime.JsonLog;
import dev.holdfast.functions.runtime.Priming;
import dev.holdfast.functions.schedule.Ticks;
import dev.holdfast.resources.Functions;
import dev.holdfast.resources.Queues;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Makes sure no market stays {@code SETTLING} because its command was lost: every
 * {@value #DEFAULT_EVERY_SECONDS} s (in AWS one invocation a minute looping inside it) it lists the
 * settling markets (the {@code byState} index, never a scan) and re-sends the settlement command of
 * each whose settlement made no progress for {@value #DEFAULT_AFTER_SECONDS} s — no page saved since
 * then, or nothing at all since the result was declared. A live settlement saves its bookmark after
 * every page (an invocation works at most the settler's budget), so it is never re-sent.
 *
 * <p>A command whose invocation crashed is not lost: it comes back after the settlement queue's
 * visibility timeout. What this covers is a command that never arrives — a send lost after the
 * result's commit, a message lost by the queue. The re-sent command's deduplication id names the
 * stall and the minute, so one stall is re-sent at most once a minute; an extra command is harmless
 * (the settlement record decides exactly once). While trading is halted nothing is re-sent:
 * settlement waits anyway.
 */
public final class SettlementWatchdog implements RequestHandler<Map<String, Object>, Void> {
    /** Seconds without progress after which a settling market's command is re-sent. */
    public static final int DEFAULT_AFTER_SECONDS = 30;
    /** How often it looks. */
    public static final int DEFAULT_EVERY_SECONDS = 10;

    private final MarketStore markets;
    private final SettlementStore settlements;
    private final StatusStore status;
    private final SqsClient sqs;
    private final String queueUrl;
    private final Clock clock;
    private final JsonLog log = new JsonLog("settlement-watchdog");

    public SettlementWatchdog() {
        this(Deployment.fromEnvironment());
        Priming.register(Functions.SETTLEMENT_WATCHDOG, Deployment.fromEnvironment(), this::prime);
    }

    /** SnapStart priming's stub work (see {@link Priming}); side-effect free on real data. */
    private void prime() {
        // one page of settling markets and one progress read of a market that does not exist: nothing sent
        markets.byState(MarketState.SETTLING, 1, Optional.empty());
        settlements.progress(Priming.ABSENT_KEY);
    }

    public SettlementWatchdog(Deployment deployment) {
        AuditLog audit = new AuditLog(deployment);
        this.markets = new MarketStore(deployment, audit);
        this.settlements = new SettlementStore(deployment, audit);
        this.status = new StatusStore(deployment, audit);
        this.sqs = deployment.clients().sqs();
        this.queueUrl = deployment.names().queueUrl(Queues.SETTLEMENT);
        this.clock = deployment.clock();
    }

    @Override
    public Void handleRequest(Map<String, Object> event, Context context) {
        try (Invocation.Scope invocation = Invocation.begin(getClass(), context)) {
            return handle(event, context);
        }
    }

    private Void handle(Map<String, Object> event, Context context) {
        int after = Math.max(0, Ticks.number(event, "afterSeconds", DEFAULT_AFTER_SECONDS));
        Ticks.of(event, DEFAULT_EVERY_SECONDS).run(context, () -> {
            int sent = resendStalled(Duration.ofSeconds(after));
            if (sent > 0) {
                ObjectNode line = log.line("INFO", context == null ? null : context.getAwsRequestId(),
                        "settlement commands re-sent");
                line.put("reSent", sent);
                log.write(line);
            }
        });
        return null;
    }

    /** Re-sends the command of every settling market without progress for {@code stall}; returns how many. */
    public int resendStalled(Duration stall) {
        Instant now = clock.instant();
        int sent = 0;
        boolean checkedMode = false;
        Optional<String> cursor = Optional.empty();
        do {
            MarketStore.MarketPage page = markets.byState(MarketState.SETTLING, 100, cursor);
            for (Market listed : page.markets()) {
                Optional<Instant> last = lastActivity(listed.marketId());
                if (last.isEmpty() || last.get().plus(stall).isAfter(now)) {
                    continue;
                }
                if (!checkedMode) {
                    if (!status.current().mode().allowsMoneyMovement()) {
                        return 0; // settlement waits while halted; nothing to re-send
                    }
                    checkedMode = true;
                }
                Settler.send(sqs, queueUrl, listed.marketId(),
                        "watchdog:" + last.get() + ":" + now.getEpochSecond() / 60);
                sent++;
            }
            cursor = page.nextCursor();
        } while (cursor.isPresent());
        return sent;
    }

    /** When the market's settlement last moved: its bookmark, or the result's declaration. */
    private Optional<Instant> lastActivity(String marketId) {
        Optional<SettlementStore.Progress> p = settlements.progress(marketId);
        if (p.isPresent()) {
            return Optional.of(p.get().updatedAt());
        }
        return settlements.result(marketId).map(SettlementStore.Declared::at);
    }
}
