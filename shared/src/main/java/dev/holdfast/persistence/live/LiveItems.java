package dev.holdfast.persistence.live;

import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.live.Subscriptions;
import software.amazon.awssdk.enhanced.dynamodb.AttributeConverter;
import software.amazon.awssdk.enhanced.dynamodb.AttributeValueType;
import software.amazon.awssdk.enhanced.dynamodb.EnhancedType;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

/**
 * The item kinds of the connections table that are put whole (described in {@link LiveStore}), with
 * static schemas, their keys, and the mapping of connections and held changes to and from them.
 * The channel's sequence is a counter moved only by an update expression and has no item class.
 * Expiry times ({@code expiresAt}, the table's TTL attribute) are epoch seconds.
 */
final class LiveItems {
    private LiveItems() {}

    static final String CONN_SK = "CONN";
    static final String CHANNEL_SK = "CHANNEL";

    static String connPk(String connectionId) {
        return "CONN#" + connectionId;
    }

    static String subsPk(String marketId, int shard) {
        return "SUBS#" + marketId + "#" + shard;
    }

    static String channelPk(String marketId) {
        return "CHANNEL#" + marketId;
    }

    static String seqSk(long sequence) {
        return String.format("SEQ#%019d", sequence);
    }

    /** pk {@code CONN#<id>}, sk {@code CONN}: a connection ({@code markets} absent while it watches none). */
    static final class ConnectionItem {
        static final TableSchema<ConnectionItem> SCHEMA = StaticTableSchema.builder(ConnectionItem.class)
                .newItemSupplier(ConnectionItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(String.class, a -> a.name("sub").getter(i -> i.sub).setter((i, v) -> i.sub = v))
                .addAttribute(String.class, a -> a.name("connectedAt").getter(i -> i.connectedAt).setter((i, v) -> i.connectedAt = v))
                .addAttribute(EnhancedType.listOf(String.class), a -> a.name("markets").getter(i -> i.markets)
                        .setter((i, v) -> i.markets = v).attributeConverter(StringSetInOrder.INSTANCE))
                .addAttribute(Long.class, a -> a.name("revision").getter(i -> i.revision).setter((i, v) -> i.revision = v))
                .addAttribute(Long.class, a -> a.name("expiresAt").getter(i -> i.expiresAt).setter((i, v) -> i.expiresAt = v))
                .build();

        String pk;
        String sk;
        String sub;
        String connectedAt;
        /** A string set, in the order DynamoDB returns it. */
        List<String> markets;
        Long revision;
        Long expiresAt;
    }

    /** pk {@code SUBS#<marketId>#<shard>}, sk the connection id: one subscription. */
    static final class SubscriptionItem {
        static final TableSchema<SubscriptionItem> SCHEMA = StaticTableSchema.builder(SubscriptionItem.class)
                .newItemSupplier(SubscriptionItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(Long.class, a -> a.name("expiresAt").getter(i -> i.expiresAt).setter((i, v) -> i.expiresAt = v))
                .build();

        String pk;
        String sk;
        Long expiresAt;
    }

    /** pk {@code CHANNEL#<marketId>}, sk {@code SEQ#<sequence>}: a published change held for resume. */
    static final class HeldItem {
        static final TableSchema<HeldItem> SCHEMA = StaticTableSchema.builder(HeldItem.class)
                .newItemSupplier(HeldItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(String.class, a -> a.name("message").getter(i -> i.message).setter((i, v) -> i.message = v))
                .addAttribute(Long.class, a -> a.name("expiresAt").getter(i -> i.expiresAt).setter((i, v) -> i.expiresAt = v))
                .build();

        String pk;
        String sk;
        String message;
        Long expiresAt;
    }

    /** A DynamoDB string set read and written as a list, keeping the order DynamoDB returns. */
    static final class StringSetInOrder implements AttributeConverter<List<String>> {
        static final StringSetInOrder INSTANCE = new StringSetInOrder();

        @Override
        public AttributeValue transformFrom(List<String> input) {
            return AttributeValue.fromSs(input);
        }

        @Override
        public List<String> transformTo(AttributeValue input) {
            return input.ss();
        }

        @Override
        public EnhancedType<List<String>> type() {
            return EnhancedType.listOf(String.class);
        }

        @Override
        public AttributeValueType attributeValueType() {
            return AttributeValueType.SS;
        }
    }

    // ------------------------------------------------------------------------------ mapping

    /** A new connection: no markets yet, revision 0. */
    static ConnectionItem connectionItem(String connectionId, String sub, Instant connectedAt, Instant expiresAt) {
        ConnectionItem i = new ConnectionItem();
        i.pk = connPk(connectionId);
        i.sk = CONN_SK;
        i.sub = sub;
        i.connectedAt = Rfc3339.format(connectedAt);
        i.revision = 0L;
        i.expiresAt = expiresAt.getEpochSecond();
        return i;
    }

    /** The connection, its subscriptions limited to {@code limit} (or to as many as it holds, if more). */
    static LiveStore.Connection fromItem(ConnectionItem i, String connectionId, int limit) {
        List<String> markets = i.markets != null ? i.markets : List.of();
        return new LiveStore.Connection(connectionId, i.sub,
                new Subscriptions(new LinkedHashSet<>(markets), Math.max(limit, markets.size())),
                i.revision, Instant.ofEpochSecond(i.expiresAt));
    }

    static SubscriptionItem subscriptionItem(String marketId, int shard, String connectionId, Instant expiresAt) {
        SubscriptionItem i = new SubscriptionItem();
        i.pk = subsPk(marketId, shard);
        i.sk = connectionId;
        i.expiresAt = expiresAt.getEpochSecond();
        return i;
    }

    static HeldItem toItem(String marketId, LiveStore.Held h, Instant expiresAt) {
        HeldItem i = new HeldItem();
        i.pk = channelPk(marketId);
        i.sk = seqSk(h.sequence());
        i.message = h.message();
        i.expiresAt = expiresAt.getEpochSecond();
        return i;
    }

    static LiveStore.Held fromItem(HeldItem i) {
        return new LiveStore.Held(Long.parseLong(i.sk.substring(4)), i.message);
    }
}
