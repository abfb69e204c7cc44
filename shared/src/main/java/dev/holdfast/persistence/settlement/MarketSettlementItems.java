package dev.holdfast.persistence.settlement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.settlement.MarketResult;
import dev.holdfast.persistence.KeyedCommit;
import dev.holdfast.persistence.markets.MarketItems;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

import java.time.Instant;
import java.util.Optional;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

/**
 * The settlement item kinds of the markets table (described in {@link SettlementStore}), with static
 * schemas, their keys, and the mapping of declared results, their idempotency records and the
 * worker's progress to and from them.
 */
final class MarketSettlementItems {
    private MarketSettlementItems() {}

    static final String RESULT_SK = "RESULT";
    static final String PROGRESS_SK = "SETTLEMENT_PROGRESS";
    static final String KEY_SK = "KEY";

    static String resultKeyPk(String sub, String idempotencyKey) {
        return "RESULTKEY#" + sub + "#" + idempotencyKey;
    }

    /** pk {@code MARKET#id}, sk {@code RESULT}, kind {@code RESULT}: the declared result as JSON, with who declared it. */
    static final class ResultItem extends MarketItems.RecordFields {
        static final TableSchema<ResultItem> SCHEMA = MarketItems.recordSchema(ResultItem.class, ResultItem::new);
    }

    /** pk {@code RESULTKEY#<sub>#<key>}, sk {@code KEY}: a declaration's fingerprint and the response its key replays. */
    static final class ResultKeyItem {
        static final TableSchema<ResultKeyItem> SCHEMA = StaticTableSchema.builder(ResultKeyItem.class)
                .newItemSupplier(ResultKeyItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(String.class, a -> a.name("fingerprint").getter(i -> i.fingerprint).setter((i, v) -> i.fingerprint = v))
                .addAttribute(Integer.class, a -> a.name("status").getter(i -> i.status).setter((i, v) -> i.status = v))
                .addAttribute(String.class, a -> a.name("responseBody").getter(i -> i.responseBody).setter((i, v) -> i.responseBody = v))
                .addAttribute(String.class, a -> a.name("at").getter(i -> i.at).setter((i, v) -> i.at = v))
                .build();

        String pk;
        String sk;
        String fingerprint;
        Integer status;
        String responseBody;
        String at;
    }

    /** pk {@code MARKET#id}, sk {@code SETTLEMENT_PROGRESS}: the worker's bookmark ({@code cursor} absent at the start). */
    static final class ProgressItem {
        static final TableSchema<ProgressItem> SCHEMA = StaticTableSchema.builder(ProgressItem.class)
                .newItemSupplier(ProgressItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(String.class, a -> a.name("cursor").getter(i -> i.cursor).setter((i, v) -> i.cursor = v))
                .addAttribute(Long.class, a -> a.name("settled").getter(i -> i.settled).setter((i, v) -> i.settled = v))
                .addAttribute(Integer.class, a -> a.name("pass").getter(i -> i.pass).setter((i, v) -> i.pass = v))
                .addAttribute(String.class, a -> a.name("startedAt").getter(i -> i.startedAt).setter((i, v) -> i.startedAt = v))
                .addAttribute(String.class, a -> a.name("updatedAt").getter(i -> i.updatedAt).setter((i, v) -> i.updatedAt = v))
                .build();

        String pk;
        String sk;
        String cursor;
        Long settled;
        Integer pass;
        String startedAt;
        String updatedAt;
    }

    // ------------------------------------------------------------------------------ mapping

    static ResultItem toItem(String marketId, SettlementStore.Declared d) {
        ObjectNode body = SettlementStore.resultJson(d.result());
        body.put("declaredBy", d.declaredBy());
        ResultItem i = new ResultItem();
        i.pk = MarketItems.marketPk(marketId);
        i.sk = RESULT_SK;
        i.kind = "RESULT";
        i.body = Json.write(body);
        i.at = Rfc3339.format(d.at());
        return i;
    }

    static SettlementStore.Declared fromItem(ResultItem i) {
        JsonNode b = Json.parseTrusted(i.body);
        MarketResult result = b.path("void").asBoolean(false) ? MarketResult.voidResult()
                : MarketResult.winner(b.path("winningSelectionId").asText());
        return new SettlementStore.Declared(result, b.path("declaredBy").asText(), Rfc3339.parse(i.at));
    }

    static ResultKeyItem toItem(String sub, String idempotencyKey, String fingerprint, int status, String responseBody,
                                Instant at) {
        ResultKeyItem i = new ResultKeyItem();
        i.pk = resultKeyPk(sub, idempotencyKey);
        i.sk = KEY_SK;
        i.fingerprint = fingerprint;
        i.status = status;
        i.responseBody = responseBody;
        i.at = Rfc3339.format(at);
        return i;
    }

    static KeyedCommit.StoredResponse fromItem(ResultKeyItem i) {
        return new KeyedCommit.StoredResponse(i.fingerprint, i.status, i.responseBody);
    }

    static ProgressItem toItem(String marketId, SettlementStore.Progress p) {
        ProgressItem i = new ProgressItem();
        i.pk = MarketItems.marketPk(marketId);
        i.sk = PROGRESS_SK;
        i.cursor = p.cursor().orElse(null);
        i.settled = p.settled();
        i.pass = p.pass();
        i.startedAt = Rfc3339.format(p.startedAt());
        i.updatedAt = Rfc3339.format(p.updatedAt());
        return i;
    }

    static SettlementStore.Progress fromItem(ProgressItem i) {
        return new SettlementStore.Progress(Optional.ofNullable(i.cursor), i.settled, i.pass,
                Rfc3339.parse(i.startedAt), Rfc3339.parse(i.updatedAt));
    }
}
