package dev.holdfast.persistence.surges;

import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.surge.ExpectedPeak;
import dev.holdfast.domain.surge.Surge;
import dev.holdfast.domain.surge.SurgeKind;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

import java.time.Instant;
import java.util.Optional;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

/**
 * One stored surge (platform table, pk {@code SURGES}, sk {@code <endsAt>#<surgeId>}), its key,
 * and its mapping to and from {@link Surge}. Times are RFC 3339 strings, the expected peak's rates
 * numbers; the cancellation and the deploy override are present only once set (absent attributes,
 * never nulls).
 */
final class SurgeItem {
    static final String PK = "SURGES";

    static String sk(Instant endsAt, String surgeId) {
        return Rfc3339.format(endsAt) + "#" + surgeId;
    }

    static final TableSchema<SurgeItem> SCHEMA = StaticTableSchema.builder(SurgeItem.class)
            .newItemSupplier(SurgeItem::new)
            .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
            .addAttribute(String.class, a -> a.name("surgeId").getter(i -> i.surgeId).setter((i, v) -> i.surgeId = v))
            .addAttribute(String.class, a -> a.name("name").getter(i -> i.name).setter((i, v) -> i.name = v))
            .addAttribute(String.class, a -> a.name("kind").getter(i -> i.kind).setter((i, v) -> i.kind = v))
            .addAttribute(String.class, a -> a.name("startsAt").getter(i -> i.startsAt).setter((i, v) -> i.startsAt = v))
            .addAttribute(String.class, a -> a.name("endsAt").getter(i -> i.endsAt).setter((i, v) -> i.endsAt = v))
            .addAttribute(Long.class, a -> a.name("ordersPerSecond").getter(i -> i.ordersPerSecond).setter((i, v) -> i.ordersPerSecond = v))
            .addAttribute(Long.class, a -> a.name("entersPerSecond").getter(i -> i.entersPerSecond).setter((i, v) -> i.entersPerSecond = v))
            .addAttribute(Long.class, a -> a.name("withdrawalsPerSecond").getter(i -> i.withdrawalsPerSecond).setter((i, v) -> i.withdrawalsPerSecond = v))
            .addAttribute(String.class, a -> a.name("createdBy").getter(i -> i.createdBy).setter((i, v) -> i.createdBy = v))
            .addAttribute(String.class, a -> a.name("createdAt").getter(i -> i.createdAt).setter((i, v) -> i.createdAt = v))
            .addAttribute(String.class, a -> a.name("cancelledReason").getter(i -> i.cancelledReason).setter((i, v) -> i.cancelledReason = v))
            .addAttribute(String.class, a -> a.name("cancelledBy").getter(i -> i.cancelledBy).setter((i, v) -> i.cancelledBy = v))
            .addAttribute(String.class, a -> a.name("cancelledAt").getter(i -> i.cancelledAt).setter((i, v) -> i.cancelledAt = v))
            .addAttribute(String.class, a -> a.name("overrideReason").getter(i -> i.overrideReason).setter((i, v) -> i.overrideReason = v))
            .addAttribute(String.class, a -> a.name("overrideBy").getter(i -> i.overrideBy).setter((i, v) -> i.overrideBy = v))
            .addAttribute(String.class, a -> a.name("overrideAt").getter(i -> i.overrideAt).setter((i, v) -> i.overrideAt = v))
            .addAttribute(String.class, a -> a.name("overrideExpiresAt").getter(i -> i.overrideExpiresAt).setter((i, v) -> i.overrideExpiresAt = v))
            .build();

    String pk;
    String sk;
    String surgeId;
    String name;
    String kind;
    String startsAt;
    String endsAt;
    Long ordersPerSecond;
    Long entersPerSecond;
    Long withdrawalsPerSecond;
    String createdBy;
    String createdAt;
    String cancelledReason;
    String cancelledBy;
    String cancelledAt;
    String overrideReason;
    String overrideBy;
    String overrideAt;
    String overrideExpiresAt;

    static SurgeItem toItem(Surge s) {
        SurgeItem i = new SurgeItem();
        i.pk = PK;
        i.sk = sk(s.endsAt(), s.surgeId());
        i.surgeId = s.surgeId();
        i.name = s.name();
        i.kind = s.kind().name();
        i.startsAt = Rfc3339.format(s.startsAt());
        i.endsAt = Rfc3339.format(s.endsAt());
        i.ordersPerSecond = s.expectedPeak().ordersPerSecond();
        i.entersPerSecond = s.expectedPeak().entersPerSecond();
        i.withdrawalsPerSecond = s.expectedPeak().withdrawalsPerSecond();
        i.createdBy = s.createdBy();
        i.createdAt = Rfc3339.format(s.createdAt());
        s.cancellation().ifPresent(c -> {
            i.cancelledReason = c.reason();
            i.cancelledBy = c.by();
            i.cancelledAt = Rfc3339.format(c.at());
        });
        s.deployOverride().ifPresent(o -> {
            i.overrideReason = o.reason();
            i.overrideBy = o.by();
            i.overrideAt = Rfc3339.format(o.at());
            i.overrideExpiresAt = Rfc3339.format(o.expiresAt());
        });
        return i;
    }

    static Surge fromItem(SurgeItem i) {
        Optional<Surge.Cancellation> c = i.cancelledAt != null
                ? Optional.of(new Surge.Cancellation(i.cancelledReason, i.cancelledBy, Rfc3339.parse(i.cancelledAt)))
                : Optional.empty();
        Optional<Surge.DeployOverride> o = i.overrideAt != null
                ? Optional.of(new Surge.DeployOverride(i.overrideReason, i.overrideBy, Rfc3339.parse(i.overrideAt),
                        Rfc3339.parse(i.overrideExpiresAt)))
                : Optional.empty();
        return new Surge(i.surgeId, i.name, SurgeKind.valueOf(i.kind), Rfc3339.parse(i.startsAt),
                Rfc3339.parse(i.endsAt), new ExpectedPeak(i.ordersPerSecond, i.entersPerSecond, i.withdrawalsPerSecond),
                i.createdBy, Rfc3339.parse(i.createdAt), c, o);
    }
}
