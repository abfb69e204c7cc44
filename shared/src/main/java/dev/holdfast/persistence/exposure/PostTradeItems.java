package dev.holdfast.persistence.exposure;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.risk.FlagPattern;
import dev.holdfast.domain.risk.RiskFlag;
import software.amazon.awssdk.enhanced.dynamodb.AttributeConverter;
import software.amazon.awssdk.enhanced.dynamodb.AttributeValueType;
import software.amazon.awssdk.enhanced.dynamodb.EnhancedType;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

/**
 * The post-trade item kinds of the platform table that are put whole (described in
 * {@link PostTradeStore}), with static schemas, their keys, and the mapping of applied effects and
 * flags to them. The liability counters and pattern windows are only ever changed by update
 * expressions, so they have no item class.
 */
final class PostTradeItems {
    private PostTradeItems() {}

    static final String FLAG_PK = "RISKFLAG";

    static String markerPk(String orderId) {
        return "RISKDONE#" + orderId;
    }

    static String flagSk(RiskFlag f) {
        return Rfc3339.format(f.raisedAt()) + "#" + f.flagId();
    }

    /** pk {@code RISKDONE#<orderId>}, sk the effect's kind: an effect applied, kept until {@code expiresAt}. */
    static final class MarkerItem {
        static final TableSchema<MarkerItem> SCHEMA = StaticTableSchema.builder(MarkerItem.class)
                .newItemSupplier(MarkerItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(BigDecimal.class, a -> a.name("delta").getter(i -> i.delta).setter((i, v) -> i.delta = v)
                        .attributeConverter(PlainDecimal.INSTANCE))
                .addAttribute(Long.class, a -> a.name("expiresAt").getter(i -> i.expiresAt).setter((i, v) -> i.expiresAt = v))
                .build();

        String pk;
        String sk;
        BigDecimal delta;
        /** Epoch seconds (the table's TTL attribute). */
        Long expiresAt;
    }

    /** pk {@code RISKFLAG}, sk {@code <raisedAt>#<flagId>}: a raised flag, its contract JSON as the body. */
    static final class FlagItem {
        static final TableSchema<FlagItem> SCHEMA = StaticTableSchema.builder(FlagItem.class)
                .newItemSupplier(FlagItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(String.class, a -> a.name("body").getter(i -> i.body).setter((i, v) -> i.body = v))
                .build();

        String pk;
        String sk;
        String body;
    }

    /** A decimal stored as a DynamoDB number in plain notation ({@code toPlainString}, never an exponent). */
    static final class PlainDecimal implements AttributeConverter<BigDecimal> {
        static final PlainDecimal INSTANCE = new PlainDecimal();

        @Override
        public AttributeValue transformFrom(BigDecimal input) {
            return AttributeValue.fromN(input.toPlainString());
        }

        @Override
        public BigDecimal transformTo(AttributeValue input) {
            return new BigDecimal(input.n());
        }

        @Override
        public EnhancedType<BigDecimal> type() {
            return EnhancedType.of(BigDecimal.class);
        }

        @Override
        public AttributeValueType attributeValueType() {
            return AttributeValueType.N;
        }
    }

    // ------------------------------------------------------------------------------ mapping

    static MarkerItem toItem(PostTradeStore.Effect e, long expiresAtEpochSecond) {
        MarkerItem i = new MarkerItem();
        i.pk = markerPk(e.orderId());
        i.sk = e.kind().name();
        i.delta = e.delta();
        i.expiresAt = expiresAtEpochSecond;
        return i;
    }

    static FlagItem toItem(RiskFlag f) {
        FlagItem i = new FlagItem();
        i.pk = FLAG_PK;
        i.sk = flagSk(f);
        i.body = Json.write(PostTradeStore.flagJson(f));
        return i;
    }

    static RiskFlag fromItem(FlagItem i) {
        JsonNode n = Json.parseTrusted(i.body);
        List<String> accounts = new ArrayList<>();
        n.path("accounts").forEach(a -> accounts.add(a.asText()));
        return new RiskFlag(n.path("flagId").asText(), FlagPattern.valueOf(n.path("pattern").asText()), accounts,
                n.hasNonNull("marketId") ? Optional.of(n.path("marketId").asText()) : Optional.empty(),
                n.path("detail").asText(), Rfc3339.parse(n.path("raisedAt").asText()));
    }
}
