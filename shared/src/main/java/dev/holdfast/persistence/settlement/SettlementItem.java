package dev.holdfast.persistence.settlement;

import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.money.Amount;
import dev.holdfast.domain.settlement.Settlement;
import dev.holdfast.domain.settlement.SettlementOutcome;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

import java.math.BigDecimal;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

/**
 * One order's settlement (pk {@code ORDER#id}, sk {@code SETTLEMENT}), beside the order item and
 * never in its indexes. Put once with {@code attribute_not_exists}; amounts are decimal strings.
 */
public final class SettlementItem {
    public static final String SK = "SETTLEMENT";

    public String pk;
    public String sk;
    public String orderId;
    public String owner;
    public String marketId;
    public String eventId;
    public String selectionId;
    public String outcome;
    public String stake;
    public String liability;
    public String paid;
    public String settledAt;

    public static final TableSchema<SettlementItem> SCHEMA = StaticTableSchema.builder(SettlementItem.class)
            .newItemSupplier(SettlementItem::new)
            .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
            .addAttribute(String.class, a -> a.name("orderId").getter(i -> i.orderId).setter((i, v) -> i.orderId = v))
            .addAttribute(String.class, a -> a.name("owner").getter(i -> i.owner).setter((i, v) -> i.owner = v))
            .addAttribute(String.class, a -> a.name("marketId").getter(i -> i.marketId).setter((i, v) -> i.marketId = v))
            .addAttribute(String.class, a -> a.name("eventId").getter(i -> i.eventId).setter((i, v) -> i.eventId = v))
            .addAttribute(String.class, a -> a.name("selectionId").getter(i -> i.selectionId).setter((i, v) -> i.selectionId = v))
            .addAttribute(String.class, a -> a.name("outcome").getter(i -> i.outcome).setter((i, v) -> i.outcome = v))
            .addAttribute(String.class, a -> a.name("stake").getter(i -> i.stake).setter((i, v) -> i.stake = v))
            .addAttribute(String.class, a -> a.name("liability").getter(i -> i.liability).setter((i, v) -> i.liability = v))
            .addAttribute(String.class, a -> a.name("paid").getter(i -> i.paid).setter((i, v) -> i.paid = v))
            .addAttribute(String.class, a -> a.name("settledAt").getter(i -> i.settledAt).setter((i, v) -> i.settledAt = v))
            .build();

    public static SettlementItem toItem(Settlement s) {
        SettlementItem i = new SettlementItem();
        i.pk = "ORDER#" + s.orderId();
        i.sk = SK;
        i.orderId = s.orderId();
        i.owner = s.ownerSub();
        i.marketId = s.marketId();
        i.eventId = s.eventId();
        i.selectionId = s.selectionId();
        i.outcome = s.outcome().name();
        i.stake = s.stake().text();
        i.liability = s.liability().toPlainString();
        i.paid = s.paid().text();
        i.settledAt = Rfc3339.format(s.settledAt());
        return i;
    }

    public static Settlement fromItem(SettlementItem i) {
        return new Settlement(i.orderId, i.owner, i.marketId, i.eventId, i.selectionId,
                SettlementOutcome.valueOf(i.outcome), Amount.parse(i.stake), new BigDecimal(i.liability),
                new Amount(new BigDecimal(i.paid)), Rfc3339.parse(i.settledAt));
    }
}
