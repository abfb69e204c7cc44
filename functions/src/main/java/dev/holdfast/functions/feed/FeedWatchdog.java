package dev.holdfast.functions.feed;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.functions.runtime.Invocation;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.persistence.exposure.RiskConfigCache;
import dev.holdfast.persistence.exposure.RiskConfigStore;
import dev.holdfast.persistence.markets.MarketStore;
import com.amazonaws.services.lambda.runtime.Context;
import dev.holdfast.functions.schedule.Ticks;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.holdfast.domain.market.FeedFreshness;
import dev.holdfast.domain.market.Market;
import dev.holdfast.domain.market.MarketState;
import dev.holdfast.functions.runtime.Priming;
import dev.holdfast.resources.Functions;
import dev.holdfast.retry.Retry;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Suspends markets whose feed went quiet and reopens them when it is back, with the thresholds
 * of the risk config ({@code feed.keepSeconds}, {@code feed.suspendAfterSeconds}).
 *
 * <p><b>Holding the 10-second bound in AWS.</b> EventBridge schedules fire at most once a minute,
 * so the rule fires this function every minute with {@code {"ticks": 60, "everySeconds": 1}} and
 * the invocation checks once a second for a minute (timeout 75 s); a late or overlapping invocation
 * is harmless because every transition is a conditional write on the market's revision. A market
 * is therefore suspended at most about a second after its price passes {@code suspendAfterSeconds}.
 * Independently of the watchdog, orders are refused with {@code PRICE_STALE} at commit once the
 * price is older than {@code keepSeconds}, so no order is ever filled on a stale price even if the
 * watchdog is late. Locally the environment fires one tick per second.
 */
public final class FeedWatchdog implements RequestHandler<Map<String, Object>, Void> {
    /** A market the feed moved meanwhile is decided again at once, up to 5 tries. */
    private static final Retry RETRY = Retry.atOnce(5);

    private final MarketStore markets;
    private final Clock clock;
    private final RiskConfigCache config;

    public FeedWatchdog() {
        this(Deployment.fromEnvironment());
        Priming.register(Functions.FEED_WATCHDOG, Deployment.fromEnvironment(), this::prime);
    }

    /** SnapStart priming's stub work (see {@link Priming}); side-effect free on real data. */
    private void prime() {
        // one page of open markets read (nothing is moved) and the staleness math on the default config
        markets.byState(dev.holdfast.domain.market.MarketState.OPEN, 1, Optional.empty());
        dev.holdfast.domain.risk.RiskConfig.DEFAULT.feed().fresh(clock.instant(), clock.instant());
    }

    public FeedWatchdog(Deployment deployment) {
        this.markets = new MarketStore(deployment, new AuditLog(deployment));
        this.clock = deployment.clock();
        this.config = new RiskConfigCache(new RiskConfigStore(deployment, new AuditLog(deployment)), deployment.clock());
    }

    @Override
    public Void handleRequest(Map<String, Object> event, Context context) {
        try (Invocation.Scope invocation = Invocation.begin(getClass(), context)) {
            return handle(event, context);
        }
    }

    private Void handle(Map<String, Object> event, Context context) {
        Ticks.of(event, 1).run(context, this::checkOnce);
        return null;
    }

    /** One pass over open and suspended markets; returns how many it moved. */
    public int checkOnce() {
        FeedFreshness freshness = config.current().feed();
        int moved = 0;
        for (MarketState state : new MarketState[]{MarketState.OPEN, MarketState.SUSPENDED}) {
            Optional<String> cursor = Optional.empty();
            do {
                MarketStore.MarketPage page = markets.byState(state, 100, cursor);
                for (Market listed : page.markets()) {
                    if (listed.watchdog(clock.instant(), freshness).isPresent() && decideAndSave(listed.marketId(), freshness)) {
                        moved++;
                    }
                }
                cursor = page.nextCursor();
            } while (cursor.isPresent());
        }
        return moved;
    }

    /** Re-reads the market (the index is eventually consistent) and applies the decision. */
    private boolean decideAndSave(String marketId, FeedFreshness freshness) {
        for (Retry.Turns turns = RETRY.start(); turns.next(); ) {
            Optional<Market> current = markets.market(marketId);
            if (current.isEmpty()) {
                return false;
            }
            Optional<Market.Change> change = current.get().watchdog(clock.instant(), freshness);
            if (change.isEmpty()) {
                return false;
            }
            if (markets.save(current.get(), change.get(), Optional.empty(), Optional.empty()) instanceof MarketStore.Saved) {
                return true;
            }
            // Raced: the feed arrived in between: decide again
        }
        return false;
    }


}
