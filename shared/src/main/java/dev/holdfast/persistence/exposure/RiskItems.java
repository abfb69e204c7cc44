package dev.holdfast.persistence.exposure;

import dev.holdfast.api.Json;
import dev.holdfast.api.risk.RiskConfigJson;
import dev.holdfast.domain.Rfc3339;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

import java.time.Duration;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

/**
 * The risk item kinds of the platform table, each with a static (non-reflective) schema, and the
 * mapping of config versions and lag reports to and from them. All live in partition {@code RISK}.
 */
final class RiskItems {
    private RiskItems() {}

    static final String PK = "RISK";
    static final String CURRENT = "CURRENT";
    static final String CONFIG_PREFIX = "CONFIG#";
    static final String LAG = "LAG";

    /** The sort key of an immutable config version: {@code CONFIG#000000000003}. */
    static String configSk(long version) {
        return CONFIG_PREFIX + String.format("%012d", version);
    }

    /**
     * sk {@code CONFIG#<version>}: one immutable config version (config JSON, who, when, why); and
     * sk {@code CURRENT}: the pointer to the current version (only {@code version} set).
     */
    static final class ConfigItem {
        String pk = PK;
        String sk;
        Long version;
        String config;
        String changedBy;
        String changedAt;
        String reason;

        static final TableSchema<ConfigItem> SCHEMA = StaticTableSchema.builder(ConfigItem.class)
                .newItemSupplier(ConfigItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(Long.class, a -> a.name("version").getter(i -> i.version).setter((i, v) -> i.version = v))
                .addAttribute(String.class, a -> a.name("config").getter(i -> i.config).setter((i, v) -> i.config = v))
                .addAttribute(String.class, a -> a.name("changedBy").getter(i -> i.changedBy).setter((i, v) -> i.changedBy = v))
                .addAttribute(String.class, a -> a.name("changedAt").getter(i -> i.changedAt).setter((i, v) -> i.changedAt = v))
                .addAttribute(String.class, a -> a.name("reason").getter(i -> i.reason).setter((i, v) -> i.reason = v))
                .build();
    }

    /** sk {@code LAG}: the risk pipeline's last reported lag. */
    static final class LagItem {
        String pk = PK;
        String sk = LAG;
        Long lagMillis;
        String measuredAt;

        static final TableSchema<LagItem> SCHEMA = StaticTableSchema.builder(LagItem.class)
                .newItemSupplier(LagItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(Long.class, a -> a.name("lagMillis").getter(i -> i.lagMillis).setter((i, v) -> i.lagMillis = v))
                .addAttribute(String.class, a -> a.name("measuredAt").getter(i -> i.measuredAt).setter((i, v) -> i.measuredAt = v))
                .build();
    }

    // ------------------------------------------------------------------------------ mapping

    static ConfigItem toItem(RiskConfigStore.Version v) {
        ConfigItem i = new ConfigItem();
        i.sk = configSk(v.version());
        i.version = v.version();
        i.config = Json.write(RiskConfigJson.toJson(v.config()));
        i.changedBy = v.changedBy();
        i.changedAt = Rfc3339.format(v.changedAt());
        i.reason = v.reason();
        return i;
    }

    static RiskConfigStore.Version fromItem(ConfigItem i) {
        return new RiskConfigStore.Version(i.version, i.changedBy, Rfc3339.parse(i.changedAt), i.reason,
                RiskConfigJson.fromJson(Json.parseTrusted(i.config), i.version));
    }

    /** The pointer to the current version (sk {@code CURRENT}, only {@code version} set). */
    static ConfigItem pointerItem(long version) {
        ConfigItem i = new ConfigItem();
        i.sk = CURRENT;
        i.version = version;
        return i;
    }

    /** A lag report; a negative lag is stored as 0. */
    static LagItem toItem(RiskLagStore.Lag l) {
        LagItem i = new LagItem();
        i.lagMillis = Math.max(0, l.lag().toMillis());
        i.measuredAt = Rfc3339.format(l.measuredAt());
        return i;
    }

    static RiskLagStore.Lag fromItem(LagItem i) {
        return new RiskLagStore.Lag(Duration.ofMillis(i.lagMillis), Rfc3339.parse(i.measuredAt));
    }
}
