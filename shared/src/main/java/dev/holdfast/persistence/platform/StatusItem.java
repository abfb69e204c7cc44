package dev.holdfast.persistence.platform;

import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.platform.PlatformStatus;
import dev.holdfast.domain.platform.TradingMode;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

import java.util.Optional;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

/** The stored platform status (one item in the platform table) and its mapping to and from {@link PlatformStatus}. */
public final class StatusItem {
    public static final String PK = "PLATFORM";
    public static final String SK = "STATUS";

    public static final TableSchema<StatusItem> SCHEMA = StaticTableSchema.builder(StatusItem.class)
            .newItemSupplier(StatusItem::new)
            .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
            .addAttribute(String.class, a -> a.name("mode").getter(i -> i.mode).setter((i, v) -> i.mode = v))
            .addAttribute(String.class, a -> a.name("notice").getter(i -> i.notice).setter((i, v) -> i.notice = v))
            .addAttribute(String.class, a -> a.name("since").getter(i -> i.since).setter((i, v) -> i.since = v))
            .addAttribute(String.class, a -> a.name("until").getter(i -> i.until).setter((i, v) -> i.until = v))
            .addAttribute(Long.class, a -> a.name("revision").getter(i -> i.revision).setter((i, v) -> i.revision = v))
            .build();

    String pk = PK;
    String sk = SK;
    String mode;
    String notice;
    String since;
    /** The announced end of a maintenance, RFC 3339; absent when none was announced. */
    String until;
    Long revision;

    public static StatusItem toItem(PlatformStatus s) {
        StatusItem i = new StatusItem();
        i.mode = s.mode().name();
        i.notice = s.notice().orElse(null);
        i.since = Rfc3339.format(s.since());
        i.until = s.until().map(Rfc3339::format).orElse(null);
        i.revision = s.revision();
        return i;
    }

    public static PlatformStatus fromItem(StatusItem i) {
        return new PlatformStatus(TradingMode.valueOf(i.mode), Optional.ofNullable(i.notice),
                Rfc3339.parse(i.since), Optional.ofNullable(i.until).map(Rfc3339::parse), i.revision);
    }
}
