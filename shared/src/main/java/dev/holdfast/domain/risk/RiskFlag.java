package dev.holdfast.domain.risk;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A raised post-trade flag: append-only, raised at most once per pattern, key and window (its id
 * is derived from those, see {@link FlagRules#flagId}).
 *
 * @param accounts the accounts involved, sorted
 * @param marketId the market, for market-scoped patterns
 * @param detail   human-readable: what was seen, the key and the window
 */
public record RiskFlag(String flagId, FlagPattern pattern, List<String> accounts, Optional<String> marketId,
                       String detail, Instant raisedAt) {
    public RiskFlag {
        Objects.requireNonNull(flagId);
        Objects.requireNonNull(pattern);
        accounts = List.copyOf(accounts);
        Objects.requireNonNull(marketId);
        Objects.requireNonNull(detail);
        Objects.requireNonNull(raisedAt);
    }
}
