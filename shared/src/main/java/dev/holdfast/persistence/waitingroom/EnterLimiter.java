package dev.holdfast.persistence.waitingroom;

import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.orders.RateLimiter;
import dev.holdfast.resources.Tables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Waiting-room enter limits in fixed one-minute windows, like {@link RateLimiter}'s: a counter item
 * per key and epoch minute in the platform table ({@code ENTER#DEV#<device>} for every enter of a
 * device, {@code ENTER#ADDR#<ip>#<rollout>#<cohort>} for each new place an address takes in a
 * cohort), {@code ADD n :one} returning the new count, expiring by TTL. Every checked call counts,
 * refused or not, so hammering stays refused until the window ends.
 */
public final class EnterLimiter {
    static final String DEVICE_PREFIX = "ENTER#DEV#";
    static final String ADDRESS_PREFIX = "ENTER#ADDR#";

    private final DynamoDbClient dynamo;
    private final String table;

    public EnterLimiter(Deployment deployment) {
        this.dynamo = deployment.clients().dynamo();
        this.table = deployment.names().table(Tables.PLATFORM);
    }

    /** Counts one enter of {@code device}; the seconds until its window ends when over {@code limit}. */
    public OptionalLong device(String device, int limit, Instant now) {
        return check(DEVICE_PREFIX + device, limit, now);
    }

    /** Counts one new place taken from {@code address} in a cohort; empty when allowed or the address is unknown. */
    public OptionalLong address(String address, String rolloutId, String cohortId, int limit, Instant now) {
        if (address == null || address.isBlank()) {
            return OptionalLong.empty();
        }
        return check(ADDRESS_PREFIX + address + "#" + rolloutId + "#" + cohortId, limit, now);
    }

    private OptionalLong check(String pk, int limit, Instant now) {
        long minute = Math.floorDiv(now.getEpochSecond(), 60);
        long windowEnd = (minute + 1) * 60;
        var r = dynamo.updateItem(UpdateItemRequest.builder().tableName(table)
                .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(Long.toString(minute))))
                .updateExpression("ADD #n :one SET #exp = :exp")
                .expressionAttributeNames(Map.of("#n", "n", "#exp", "expiresAt"))
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"),
                        ":exp", AttributeValue.fromN(Long.toString(windowEnd + RateLimiter.EXPIRY_GRACE_SECONDS))))
                .returnValues(ReturnValue.UPDATED_NEW)
                .build());
        long n = Long.parseLong(r.attributes().get("n").n());
        return n > limit ? OptionalLong.of(RateLimiter.retryAfterSeconds(now, windowEnd)) : OptionalLong.empty();
    }
}
