package dev.holdfast.persistence.orders;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.domain.risk.RiskConfig.RateLimits;
import dev.holdfast.resources.Tables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import java.util.OptionalLong;

/**
 * Order rate limits in fixed one-minute windows (UTC epoch minutes), per user and per source
 * address. Each window is a counter item in the platform table, {@code pk = RATE#USER#<sub>} or
 * {@code RATE#ADDR#<ip>}, {@code sk = <epoch minute>}, attribute {@code n}, incremented atomically
 * ({@code ADD n :one}, returning the new count); {@code expiresAt} (the table's TTL attribute, epoch
 * seconds) is the window's end + 120 s, so DynamoDB deletes old windows by itself.
 *
 * <p>Every checked request counts, in both counters (the user's first, then the address's), even
 * when it is refused: a client that keeps hammering during a window stays refused until the
 * window ends rather than getting a slot back with each refusal. A request with no known source
 * address is limited per user only. One check costs one or two single-item writes.
 */
public final class RateLimiter {
    static final String USER_PREFIX = "RATE#USER#";
    static final String ADDRESS_PREFIX = "RATE#ADDR#";
    public static final long EXPIRY_GRACE_SECONDS = 120;

    private final DynamoDbClient dynamo;
    private final String table;

    public RateLimiter(Deployment deployment) {
        this.dynamo = deployment.clients().dynamo();
        this.table = deployment.names().table(Tables.PLATFORM);
    }

    /**
     * Counts one request of {@code userSub} from {@code sourceAddress} (may be null) at {@code now}.
     *
     * @return empty when allowed; else the whole seconds until the current window ends (1 to 60),
     *         for {@code Retry-After}
     */
    public OptionalLong check(String userSub, String sourceAddress, RateLimits limits, Instant now) {
        long minute = Math.floorDiv(now.getEpochSecond(), 60);
        long windowEnd = (minute + 1) * 60;
        long perUser = count(USER_PREFIX + userSub, minute, windowEnd);
        long perAddress = sourceAddress == null || sourceAddress.isBlank() ? 0
                : count(ADDRESS_PREFIX + sourceAddress, minute, windowEnd);
        if (perUser > limits.ordersPerUserPerMinute() || perAddress > limits.ordersPerAddressPerMinute()) {
            return OptionalLong.of(retryAfterSeconds(now, windowEnd));
        }
        return OptionalLong.empty();
    }

    /** Whole seconds from {@code now} to {@code windowEnd}, rounded up, at least 1. */
    public static long retryAfterSeconds(Instant now, long windowEnd) {
        long millis = windowEnd * 1000 - now.toEpochMilli();
        return Math.max(1, (millis + 999) / 1000);
    }

    private long count(String pk, long minute, long windowEnd) {
        var r = dynamo.updateItem(UpdateItemRequest.builder().tableName(table)
                .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(Long.toString(minute))))
                .updateExpression("ADD #n :one SET #exp = :exp")
                .expressionAttributeNames(Map.of("#n", "n", "#exp", "expiresAt"))
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"),
                        ":exp", AttributeValue.fromN(Long.toString(windowEnd + EXPIRY_GRACE_SECONDS))))
                .returnValues(ReturnValue.UPDATED_NEW)
                .build());
        return Long.parseLong(r.attributes().get("n").n());
    }

    /**
     * The order path's rate windows as conditions inside its own transaction (so a replay or a
     * cancelled attempt never spends a slot): one increment per counter, each conditioned on the
     * window still having room.
     *
     * @param address the source address, or null when unknown (then per user only)
     */
    public record Window(String userSub, String address, long minute, int perUser, int perAddress) {
        public static Window at(String userSub, String address, RateLimits limits, Instant now) {
            return new Window(userSub, address == null || address.isBlank() ? null : address,
                    Math.floorDiv(now.getEpochSecond(), 60), limits.ordersPerUserPerMinute(), limits.ordersPerAddressPerMinute());
        }

        /** Whole seconds until this window ends, for {@code Retry-After}. */
        public long retryAfterSeconds(Instant now) {
            return RateLimiter.retryAfterSeconds(now, (minute + 1) * 60);
        }
    }

    /**
     * How many counters one address's window is spread over, by user. Many users can share one
     * address (a carrier's NAT): one counter in every transaction of all of them would be a hot item
     * (conflicts, one partition's rate), so each user counts on one of 8, each allowing an eighth of
     * the limit — the address as a whole still never passes it (a user alone behind an address gets
     * an eighth: 75 a minute with the contract's 600, above the per-user 60).
     */
    static final int ADDRESS_SHARDS = 8;

    /** The window's counters as transaction actions: the user's first, then the address's (if known). */
    public List<TransactWriteItem> countActions(Window w) {
        List<TransactWriteItem> out = new ArrayList<>(2);
        out.add(countAction(USER_PREFIX + w.userSub(), w.minute(), w.perUser()));
        if (w.address() != null) {
            out.add(countAction(ADDRESS_PREFIX + w.address() + "#" + Math.floorMod(w.userSub().hashCode(), ADDRESS_SHARDS),
                    w.minute(), Math.max(1, w.perAddress() / ADDRESS_SHARDS)));
        }
        return out;
    }

    private TransactWriteItem countAction(String pk, long minute, int limit) {
        long windowEnd = (minute + 1) * 60;
        return TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(Long.toString(minute))))
                .updateExpression("ADD #n :one SET #exp = :exp")
                .conditionExpression("attribute_not_exists(#n) OR #n < :limit")
                .expressionAttributeNames(Map.of("#n", "n", "#exp", "expiresAt"))
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"),
                        ":limit", AttributeValue.fromN(Integer.toString(limit)),
                        ":exp", AttributeValue.fromN(Long.toString(windowEnd + EXPIRY_GRACE_SECONDS))))
                .build()).build();
    }
}
