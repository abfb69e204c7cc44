package dev.holdfast.domain.order;

import dev.holdfast.domain.money.Amount;

/**
 * What a client asked for. Its {@link #fingerprint()} decides whether a reused idempotency key
 * carries the same request (replay) or another one ({@code IDEMPOTENCY_KEY_REUSED}).
 */
public record OrderRequest(String marketId, String selectionId, Amount stake, long priceVersion) {

    public String fingerprint() {
        return OrderIds.hash(marketId.length() + ":" + marketId + "|" + selectionId.length() + ":" + selectionId
                + "|" + stake.text() + "|" + priceVersion);
    }
}
