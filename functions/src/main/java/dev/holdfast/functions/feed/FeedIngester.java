package dev.holdfast.functions.feed;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.functions.runtime.Invocation;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.markets.MarketStore;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.market.FeedNormalization;
import dev.holdfast.domain.market.FeedUpdate;
import dev.holdfast.domain.market.Market;
import dev.holdfast.functions.runtime.JsonLog;
import dev.holdfast.functions.queue.FifoBatch;
import dev.holdfast.functions.runtime.Metrics;
import dev.holdfast.functions.runtime.Priming;
import dev.holdfast.resources.Functions;
import dev.holdfast.retry.Retry;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Applies odds-feed messages from {@code holdfast-feed.fifo} (group = provider market). For each
 * message it stamps {@code receivedAt}, maps it through the market's feed mapping (or quarantines
 * it), prices it, and stores the outcome: nothing for a duplicate or older sequence, a refreshed
 * age for unchanged odds, or a new immutable snapshot with the next {@code priceVersion}.
 *
 * <p>A message that can never be applied (not the contract's shape: not JSON, a probability
 * {@code "abc"}, a sequence as a string …) is quarantined at once with {@code MALFORMED_MESSAGE}
 * and its raw body, so the next update of its group is not held up. Only transient failures (a
 * store error, a market that kept changing) fail the message: it fails alone (partial batch
 * response), messages after it in the same group fail too, so a group's order is never broken.
 */
public final class FeedIngester implements RequestHandler<SQSEvent, SQSBatchResponse> {
    /** An update that lost the race for its market is decided again on the market as it is now, up to 20 tries. */
    private static final Retry RETRY = Retry.atOnce(20);

    private final MarketStore markets;
    private final Clock clock;
    private final JsonLog log = new JsonLog("feed-ingester");
    private final Metrics metrics = new Metrics("feed-ingester");
    private final dev.holdfast.persistence.exposure.RiskConfigCache config;

    public FeedIngester() {
        this(Deployment.fromEnvironment());
        Priming.register(Functions.FEED_INGESTER, Deployment.fromEnvironment(), this::prime);
    }

    /** SnapStart priming's stub work (see {@link Priming}); side-effect free on real data. */
    private void prime() {
        // a feed message parsed, its market looked up (a miss: nothing is quarantined), and the pricing math
        FeedUpdate update = FeedMessage.parse("{\"provider\":\"snapstart-priming\",\"providerMarketId\":\"absent\",\"sequence\":1,\"sourceTimestamp\":\"2026-01-01T00:00:00Z\",\"selections\":[{\"providerSelectionId\":\"1\",\"probability\":\"0.55\"},{\"providerSelectionId\":\"2\",\"probability\":\"0.45\"}]}");
        markets.marketIdForFeed(update.provider(), update.providerMarketId());
        dev.holdfast.domain.pricing.Pricing.price(java.util.Map.of("s-1", new java.math.BigDecimal("0.55"),
                        "s-2", new java.math.BigDecimal("0.45")), dev.holdfast.domain.pricing.MarginPolicy.DEFAULT,
                dev.holdfast.domain.pricing.ExposureSignal.NONE);
        priceAgeMs(update, clock.instant());
    }

    public FeedIngester(Deployment deployment) {
        AuditLog audit = new AuditLog(deployment);
        this.markets = new MarketStore(deployment, audit);
        this.clock = deployment.clock();
        this.config = new dev.holdfast.persistence.exposure.RiskConfigCache(
                new dev.holdfast.persistence.exposure.RiskConfigStore(deployment, audit), deployment.clock());
    }

    /** What one message did. */
    public enum Applied { PUBLISHED, REFRESHED, IGNORED, QUARANTINED }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try (Invocation.Scope invocation = Invocation.begin(getClass(), context)) {
            return handle(event, context);
        }
    }

    private SQSBatchResponse handle(SQSEvent event, Context context) {
        return FifoBatch.process(event, log, "feed message failed",
                m -> apply(m.getMessageId(), sentAt(m), m.getBody()));
    }

    private Instant sentAt(SQSEvent.SQSMessage m) {
        try {
            return Instant.ofEpochMilli(Long.parseLong(m.getAttributes().get("SentTimestamp")));
        } catch (RuntimeException e) {
            return clock.instant();
        }
    }

    /** Applies one message body; {@code messageId} and {@code sentAt} identify it in the quarantine. */
    public Applied apply(String messageId, Instant sentAt, String body) {
        Instant receivedAt = clock.instant();
        FeedUpdate update;
        try {
            update = FeedMessage.parse(body);
        } catch (FeedMessage.Poison poison) {
            // it can never be applied: quarantined at once (reason + raw body), so the group moves on
            markets.quarantine(messageId, sentAt, FeedNormalization.QuarantineReason.MALFORMED_MESSAGE.name(),
                    poison.getMessage(), rawForQuarantine(body), receivedAt);
            return Applied.QUARANTINED;
        }
        Optional<String> marketId = markets.marketIdForFeed(update.provider(), update.providerMarketId());
        if (marketId.isEmpty()) {
            markets.quarantine(messageId, sentAt, FeedNormalization.QuarantineReason.UNKNOWN_PROVIDER_MARKET.name(),
                    update.provider() + "/" + update.providerMarketId(), body, receivedAt);
            return Applied.QUARANTINED;
        }
        for (Retry.Turns turns = RETRY.start(); turns.next(); ) {
            Market market = markets.market(marketId.get()).orElseThrow();
            FeedNormalization.Result normalized = FeedNormalization.normalize(update, market.feed(), market.selections());
            if (normalized.quarantined()) {
                markets.quarantine(messageId, sentAt, normalized.quarantine().name(), normalized.detail(), body, receivedAt);
                return Applied.QUARANTINED;
            }
            dev.holdfast.domain.market.FeedFreshness bounds = config.current().feed();
            if (bounds.tooFarAhead(update.sourceTimestamp(), receivedAt)) {
                markets.quarantine(messageId, sentAt, FeedNormalization.QuarantineReason.SOURCE_TIME_IN_FUTURE.name(),
                        "sourceTimestamp " + update.sourceTimestamp() + " is more than feed.maxFutureSkewSeconds "
                                + bounds.maxFutureSkewSeconds() + " ahead of " + Rfc3339.format(receivedAt), body, receivedAt);
                return Applied.QUARANTINED;
            }
            if (bounds.implausibleJump(market.lastSequence(), update.sequence())) {
                markets.quarantine(messageId, sentAt, FeedNormalization.QuarantineReason.SEQUENCE_JUMP.name(),
                        "sequence " + update.sequence() + " after " + market.lastSequence() + " jumps more than feed.maxSequenceJump "
                                + bounds.maxSequenceJump(), body, receivedAt);
                return Applied.QUARANTINED;
            }
            if (update.sequence() <= market.lastSequence()) {
                markets.countIgnoredOlder(market.marketId(), update.sequence(), receivedAt);
                return Applied.IGNORED;
            }
            Market.FeedOutcome outcome = market.applyFeed(update.sequence(), normalized.probabilities(),
                    update.sourceTimestamp(), receivedAt);
            Applied applied;
            MarketStore.SaveOutcome saved;
            if (outcome instanceof Market.FeedOutcome.Published p) {
                applied = Applied.PUBLISHED;
                saved = markets.save(market, p.change(), Optional.of(p.snapshot()), Optional.empty());
            } else if (outcome instanceof Market.FeedOutcome.Refreshed r) {
                applied = Applied.REFRESHED;
                saved = markets.save(market, r.change(), Optional.empty(), Optional.empty());
            } else {
                return Applied.IGNORED;
            }
            if (saved instanceof MarketStore.Saved) {
                metrics.priceAgeMs(priceAgeMs(update, receivedAt));
                return applied;
            }
            // Raced: another writer moved the market: decide again on what it is now
        }
        throw new IllegalStateException("market " + marketId.get() + " kept changing; the message will be retried");
    }

    /** The longest raw body kept in the quarantine (an SQS message is at most 256 KiB; a DynamoDB item 400 KB). */
    static final int MAX_QUARANTINED_BODY = 64 * 1024;

    static String rawForQuarantine(String body) {
        if (body == null) {
            return "";
        }
        return body.length() <= MAX_QUARANTINED_BODY ? body
                : body.substring(0, MAX_QUARANTINED_BODY) + "…(" + body.length() + " characters)";
    }

    /** How old the price was when it was applied: received at minus the provider's timestamp (never negative). */
    static long priceAgeMs(FeedUpdate update, Instant receivedAt) {
        return update.sourceTimestamp() == null ? 0
                : Math.max(0, receivedAt.toEpochMilli() - update.sourceTimestamp().toEpochMilli());
    }
}
