package dev.holdfast.persistence.waitingroom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.waitingroom.Cohort;
import dev.holdfast.domain.waitingroom.Rollout;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

/**
 * The waiting-room item kinds that are put whole (the table is described in
 * {@link WaitingRoomStore}), with static schemas, their keys, and the mapping of rollouts, cohort
 * states and tickets to and from them. Numbers are DynamoDB numbers; a number read from an item
 * that lacks it is 0. The position stripes and signup counters are {@code ADD}-only counters
 * ({@code ShardedCounters}) and have no item class.
 */
final class WaitingRoomItems {
    private WaitingRoomItems() {}

    static final String ACTIVE = "ACTIVE";
    static final String ROLLOUT_SK = "ROLLOUT";
    static final String STATE_SK = "STATE";
    static final String TICKET_SK = "TICKET";

    static String rolloutPk(String rolloutId) {
        return "ROLLOUT#" + rolloutId;
    }

    static String cohortPk(String rolloutId, String cohortId) {
        return "COHORT#" + rolloutId + "#" + cohortId;
    }

    static String logPk(String rolloutId, String cohortId) {
        return cohortPk(rolloutId, cohortId) + "#LOG";
    }

    static String ticketPk(String ticketId) {
        return "TICKET#" + ticketId;
    }

    /** A serving position as a log entry's sort key (zero-padded, so they sort in order). */
    static String pad(long position) {
        return String.format("%020d", position);
    }

    /** pk {@code ROLLOUT#<rid>}, sk {@code ROLLOUT}: the rollout as created and its admission state. */
    static final class RolloutItem {
        static final TableSchema<RolloutItem> SCHEMA = StaticTableSchema.builder(RolloutItem.class)
                .newItemSupplier(RolloutItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(String.class, a -> a.name("rolloutId").getter(i -> i.rolloutId).setter((i, v) -> i.rolloutId = v))
                .addAttribute(String.class, a -> a.name("name").getter(i -> i.name).setter((i, v) -> i.name = v))
                .addAttribute(Long.class, a -> a.name("ratePerSecond").getter(i -> i.ratePerSecond).setter((i, v) -> i.ratePerSecond = v))
                .addAttribute(Long.class, a -> a.name("windowSeconds").getter(i -> i.windowSeconds).setter((i, v) -> i.windowSeconds = v))
                .addAttribute(String.class, a -> a.name("cohorts").getter(i -> i.cohorts).setter((i, v) -> i.cohorts = v))
                .addAttribute(String.class, a -> a.name("createdBy").getter(i -> i.createdBy).setter((i, v) -> i.createdBy = v))
                .addAttribute(String.class, a -> a.name("createdAt").getter(i -> i.createdAt).setter((i, v) -> i.createdAt = v))
                .addAttribute(Long.class, a -> a.name("factorMilli").getter(i -> i.factorMilli).setter((i, v) -> i.factorMilli = v))
                .addAttribute(Long.class, a -> a.name("carryMicro").getter(i -> i.carryMicro).setter((i, v) -> i.carryMicro = v))
                .addAttribute(String.class, a -> a.name("lastTickAt").getter(i -> i.lastTickAt).setter((i, v) -> i.lastTickAt = v))
                .addAttribute(Long.class, a -> a.name("verifierCalls").getter(i -> i.verifierCalls).setter((i, v) -> i.verifierCalls = v))
                .addAttribute(Long.class, a -> a.name("verifierErrors").getter(i -> i.verifierErrors).setter((i, v) -> i.verifierErrors = v))
                .addAttribute(String.class, a -> a.name("signal").getter(i -> i.signal).setter((i, v) -> i.signal = v))
                .addAttribute(Long.class, a -> a.name("revision").getter(i -> i.revision).setter((i, v) -> i.revision = v))
                .build();

        String pk;
        String sk;
        String rolloutId;
        String name;
        Long ratePerSecond;
        Long windowSeconds;
        String cohorts;
        String createdBy;
        String createdAt;
        Long factorMilli;
        Long carryMicro;
        String lastTickAt;
        Long verifierCalls;
        Long verifierErrors;
        String signal;
        Long revision;
    }

    /** pk {@code COHORT#<rid>#<cid>}, sk {@code STATE}: a cohort's state as of the last tick ({@code counts}: the stripe counts, comma-separated). */
    static final class CohortStateItem {
        static final TableSchema<CohortStateItem> SCHEMA = StaticTableSchema.builder(CohortStateItem.class)
                .newItemSupplier(CohortStateItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(String.class, a -> a.name("rolloutId").getter(i -> i.rolloutId).setter((i, v) -> i.rolloutId = v))
                .addAttribute(String.class, a -> a.name("cohortId").getter(i -> i.cohortId).setter((i, v) -> i.cohortId = v))
                .addAttribute(String.class, a -> a.name("label").getter(i -> i.label).setter((i, v) -> i.label = v))
                .addAttribute(String.class, a -> a.name("opensAt").getter(i -> i.opensAt).setter((i, v) -> i.opensAt = v))
                .addAttribute(String.class, a -> a.name("closesAt").getter(i -> i.closesAt).setter((i, v) -> i.closesAt = v))
                .addAttribute(Long.class, a -> a.name("windowSeconds").getter(i -> i.windowSeconds).setter((i, v) -> i.windowSeconds = v))
                .addAttribute(Long.class, a -> a.name("serving").getter(i -> i.serving).setter((i, v) -> i.serving = v))
                .addAttribute(Long.class, a -> a.name("admitted").getter(i -> i.admitted).setter((i, v) -> i.admitted = v))
                .addAttribute(String.class, a -> a.name("counts").getter(i -> i.counts).setter((i, v) -> i.counts = v))
                .addAttribute(Long.class, a -> a.name("rateNowMilli").getter(i -> i.rateNowMilli).setter((i, v) -> i.rateNowMilli = v))
                .addAttribute(Long.class, a -> a.name("effectiveRateMilli").getter(i -> i.effectiveRateMilli).setter((i, v) -> i.effectiveRateMilli = v))
                .addAttribute(Long.class, a -> a.name("revision").getter(i -> i.revision).setter((i, v) -> i.revision = v))
                .build();

        String pk;
        String sk;
        String rolloutId;
        String cohortId;
        String label;
        String opensAt;
        String closesAt;
        Long windowSeconds;
        Long serving;
        Long admitted;
        String counts;
        Long rateNowMilli;
        Long effectiveRateMilli;
        Long revision;
    }

    /** pk {@code TICKET#<tid>}, sk {@code TICKET}: one device's place ({@code position} absent while only claimed, {@code admittedAt} set once). */
    static final class TicketItem {
        static final TableSchema<TicketItem> SCHEMA = StaticTableSchema.builder(TicketItem.class)
                .newItemSupplier(TicketItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(String.class, a -> a.name("ticketId").getter(i -> i.ticketId).setter((i, v) -> i.ticketId = v))
                .addAttribute(String.class, a -> a.name("rolloutId").getter(i -> i.rolloutId).setter((i, v) -> i.rolloutId = v))
                .addAttribute(String.class, a -> a.name("cohortId").getter(i -> i.cohortId).setter((i, v) -> i.cohortId = v))
                .addAttribute(Long.class, a -> a.name("position").getter(i -> i.position).setter((i, v) -> i.position = v))
                .addAttribute(String.class, a -> a.name("enteredAt").getter(i -> i.enteredAt).setter((i, v) -> i.enteredAt = v))
                .addAttribute(Long.class, a -> a.name("expiresAt").getter(i -> i.expiresAt).setter((i, v) -> i.expiresAt = v))
                .addAttribute(String.class, a -> a.name("admittedAt").getter(i -> i.admittedAt).setter((i, v) -> i.admittedAt = v))
                .build();

        String pk;
        String sk;
        String ticketId;
        String rolloutId;
        String cohortId;
        Long position;
        String enteredAt;
        Long expiresAt;
        String admittedAt;
    }

    /** pk {@code COHORT#<rid>#<cid>#LOG}, sk the serving position reached (padded): when, and from which position. */
    static final class LogItem {
        static final TableSchema<LogItem> SCHEMA = StaticTableSchema.builder(LogItem.class)
                .newItemSupplier(LogItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(String.class, a -> a.name("at").getter(i -> i.at).setter((i, v) -> i.at = v))
                .addAttribute(Long.class, a -> a.name("from").getter(i -> i.from).setter((i, v) -> i.from = v))
                .build();

        String pk;
        String sk;
        String at;
        Long from;
    }

    // ------------------------------------------------------------------------------ mapping

    static RolloutItem toItem(WaitingRoomStore.RolloutState s) {
        Rollout r = s.rollout();
        RolloutItem i = new RolloutItem();
        i.pk = rolloutPk(r.rolloutId());
        i.sk = ROLLOUT_SK;
        i.rolloutId = r.rolloutId();
        i.name = r.name();
        i.ratePerSecond = r.admissionRatePerSecond();
        i.windowSeconds = r.admissionWindow().toSeconds();
        i.cohorts = Json.write(cohortsJson(r.cohorts()));
        i.createdBy = r.createdBy();
        i.createdAt = Rfc3339.format(r.createdAt());
        i.factorMilli = (long) s.factorMilli();
        i.carryMicro = s.carryMicro();
        i.lastTickAt = s.lastTickAt().map(Rfc3339::format).orElse(null);
        i.verifierCalls = s.verifierCalls();
        i.verifierErrors = s.verifierErrors();
        i.signal = s.signal();
        i.revision = s.revision();
        return i;
    }

    static WaitingRoomStore.RolloutState fromItem(RolloutItem i) {
        Rollout rollout = new Rollout(i.rolloutId, i.name, orZero(i.ratePerSecond), Duration.ofSeconds(orZero(i.windowSeconds)),
                cohorts(Json.parseTrusted(i.cohorts)), i.createdBy, Rfc3339.parse(i.createdAt));
        return new WaitingRoomStore.RolloutState(rollout, (int) orZero(i.factorMilli), orZero(i.carryMicro),
                Optional.ofNullable(i.lastTickAt).map(Rfc3339::parse), orZero(i.verifierCalls), orZero(i.verifierErrors),
                i.signal, orZero(i.revision));
    }

    static CohortStateItem toItem(WaitingRoomStore.CohortState s) {
        Cohort c = s.cohort();
        CohortStateItem i = new CohortStateItem();
        i.pk = cohortPk(s.rolloutId(), c.cohortId());
        i.sk = STATE_SK;
        i.rolloutId = s.rolloutId();
        i.cohortId = c.cohortId();
        i.label = c.label();
        i.opensAt = Rfc3339.format(c.opensAt());
        i.closesAt = Rfc3339.format(c.closesAt());
        i.windowSeconds = s.admissionWindow().toSeconds();
        i.serving = s.serving();
        i.admitted = s.admitted();
        i.counts = countsText(s.counts());
        i.rateNowMilli = s.rateNowMilli();
        i.effectiveRateMilli = s.effectiveRateMilli();
        i.revision = s.revision();
        return i;
    }

    static WaitingRoomStore.CohortState fromItem(CohortStateItem i) {
        Cohort c = new Cohort(i.cohortId, i.label, Rfc3339.parse(i.opensAt), Rfc3339.parse(i.closesAt));
        return new WaitingRoomStore.CohortState(i.rolloutId, c, Duration.ofSeconds(orZero(i.windowSeconds)),
                orZero(i.serving), orZero(i.admitted), counts(i.counts), orZero(i.rateNowMilli),
                orZero(i.effectiveRateMilli), orZero(i.revision));
    }

    /** A ticket with its position, kept until {@code expiresAt}; {@code admittedAt} is set later, once, by its own update. */
    static TicketItem toItem(WaitingRoomStore.Ticket t, Instant expiresAt) {
        TicketItem i = claimItem(t.ticketId(), t.rolloutId(), t.cohortId(), t.enteredAt(), expiresAt);
        i.position = t.position();
        return i;
    }

    /** A device's claim of its ticket, before any position is allocated. */
    static TicketItem claimItem(String ticketId, String rolloutId, String cohortId, Instant enteredAt, Instant expiresAt) {
        TicketItem i = new TicketItem();
        i.pk = ticketPk(ticketId);
        i.sk = TICKET_SK;
        i.ticketId = ticketId;
        i.rolloutId = rolloutId;
        i.cohortId = cohortId;
        i.enteredAt = Rfc3339.format(enteredAt);
        i.expiresAt = expiresAt.getEpochSecond();
        return i;
    }

    static WaitingRoomStore.Ticket fromItem(TicketItem i) {
        return new WaitingRoomStore.Ticket(i.ticketId, i.rolloutId, i.cohortId, orZero(i.position),
                Rfc3339.parse(i.enteredAt), Optional.ofNullable(i.admittedAt).map(Rfc3339::parse));
    }

    /** The log entry of a tick that moved a cohort's serving position from {@code from} to {@code serving} at {@code at}. */
    static LogItem logItem(String rolloutId, String cohortId, long serving, long from, Instant at) {
        LogItem i = new LogItem();
        i.pk = logPk(rolloutId, cohortId);
        i.sk = pad(serving);
        i.at = Rfc3339.format(at);
        i.from = from;
        return i;
    }

    private static long orZero(Long n) {
        return n == null ? 0 : n;
    }

    private static ArrayNode cohortsJson(List<Cohort> cohorts) {
        ArrayNode a = Json.array();
        for (Cohort c : cohorts) {
            ObjectNode o = a.addObject();
            o.put("cohortId", c.cohortId());
            o.put("label", c.label());
            o.put("opensAt", Rfc3339.format(c.opensAt()));
            o.put("closesAt", Rfc3339.format(c.closesAt()));
        }
        return a;
    }

    private static List<Cohort> cohorts(JsonNode a) {
        List<Cohort> out = new ArrayList<>();
        for (JsonNode o : a) {
            out.add(new Cohort(o.get("cohortId").asText(), o.get("label").asText(),
                    Rfc3339.parse(o.get("opensAt").asText()), Rfc3339.parse(o.get("closesAt").asText())));
        }
        return out;
    }

    static String countsText(long[] counts) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < counts.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(counts[i]);
        }
        return b.toString();
    }

    static long[] counts(String text) {
        String[] parts = text.split(",");
        long[] out = new long[WaitingRoomStore.STRIPES];
        for (int i = 0; i < Math.min(parts.length, WaitingRoomStore.STRIPES); i++) {
            out[i] = Long.parseLong(parts[i]);
        }
        return out;
    }
}
