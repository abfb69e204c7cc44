package dev.holdfast.persistence.orders;

import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.secondaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.secondarySortKey;

/** One stored order (pk {@code ORDER#id}, sk {@code ORDER}); byMarket lists accepted ones only. */
final class OrderItem {
    static final String BY_MARKET = "byMarket";
    static final String BY_USER = "byUser";

    String pk;
    String sk;
    String gsi1pk;
    String gsi1sk;
    String gsi2pk;
    String gsi2sk;
    String orderId;
    String owner;
    String idempotencyKey;
    String fingerprint;
    String status;
    String marketId;
    String selectionId;
    String eventId;
    String stake;
    String odds;
    Long priceVersion;
    String potentialPayout;
    String createdAt;
    String rejectionCode;
    String claims;
    String funds;
    Integer responseStatus;
    String responseBody;
    /** Where the order came from (post-trade risk only; set at creation, absent on older orders). */
    String sourceIp;
    String deviceId;

    static final TableSchema<OrderItem> SCHEMA = StaticTableSchema.builder(OrderItem.class)
            .newItemSupplier(OrderItem::new)
            .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
            .addAttribute(String.class, a -> a.name("gsi1pk").getter(i -> i.gsi1pk).setter((i, v) -> i.gsi1pk = v).tags(secondaryPartitionKey(BY_MARKET)))
            .addAttribute(String.class, a -> a.name("gsi1sk").getter(i -> i.gsi1sk).setter((i, v) -> i.gsi1sk = v).tags(secondarySortKey(BY_MARKET)))
            .addAttribute(String.class, a -> a.name("gsi2pk").getter(i -> i.gsi2pk).setter((i, v) -> i.gsi2pk = v).tags(secondaryPartitionKey(BY_USER)))
            .addAttribute(String.class, a -> a.name("gsi2sk").getter(i -> i.gsi2sk).setter((i, v) -> i.gsi2sk = v).tags(secondarySortKey(BY_USER)))
            .addAttribute(String.class, a -> a.name("orderId").getter(i -> i.orderId).setter((i, v) -> i.orderId = v))
            .addAttribute(String.class, a -> a.name("owner").getter(i -> i.owner).setter((i, v) -> i.owner = v))
            .addAttribute(String.class, a -> a.name("idempotencyKey").getter(i -> i.idempotencyKey).setter((i, v) -> i.idempotencyKey = v))
            .addAttribute(String.class, a -> a.name("fingerprint").getter(i -> i.fingerprint).setter((i, v) -> i.fingerprint = v))
            .addAttribute(String.class, a -> a.name("status").getter(i -> i.status).setter((i, v) -> i.status = v))
            .addAttribute(String.class, a -> a.name("marketId").getter(i -> i.marketId).setter((i, v) -> i.marketId = v))
            .addAttribute(String.class, a -> a.name("selectionId").getter(i -> i.selectionId).setter((i, v) -> i.selectionId = v))
            .addAttribute(String.class, a -> a.name("eventId").getter(i -> i.eventId).setter((i, v) -> i.eventId = v))
            .addAttribute(String.class, a -> a.name("stake").getter(i -> i.stake).setter((i, v) -> i.stake = v))
            .addAttribute(String.class, a -> a.name("odds").getter(i -> i.odds).setter((i, v) -> i.odds = v))
            .addAttribute(Long.class, a -> a.name("priceVersion").getter(i -> i.priceVersion).setter((i, v) -> i.priceVersion = v))
            .addAttribute(String.class, a -> a.name("potentialPayout").getter(i -> i.potentialPayout).setter((i, v) -> i.potentialPayout = v))
            .addAttribute(String.class, a -> a.name("createdAt").getter(i -> i.createdAt).setter((i, v) -> i.createdAt = v))
            .addAttribute(String.class, a -> a.name("rejectionCode").getter(i -> i.rejectionCode).setter((i, v) -> i.rejectionCode = v))
            .addAttribute(String.class, a -> a.name("claims").getter(i -> i.claims).setter((i, v) -> i.claims = v))
            .addAttribute(String.class, a -> a.name("funds").getter(i -> i.funds).setter((i, v) -> i.funds = v))
            .addAttribute(Integer.class, a -> a.name("responseStatus").getter(i -> i.responseStatus).setter((i, v) -> i.responseStatus = v))
            .addAttribute(String.class, a -> a.name("responseBody").getter(i -> i.responseBody).setter((i, v) -> i.responseBody = v))
            .addAttribute(String.class, a -> a.name("sourceIp").getter(i -> i.sourceIp).setter((i, v) -> i.sourceIp = v))
            .addAttribute(String.class, a -> a.name("deviceId").getter(i -> i.deviceId).setter((i, v) -> i.deviceId = v))
            .build();
}
