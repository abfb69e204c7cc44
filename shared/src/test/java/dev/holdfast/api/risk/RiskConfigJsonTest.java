package dev.holdfast.api.risk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.ApiError;
import dev.holdfast.api.ErrorCode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.market.FeedFreshness;
import dev.holdfast.domain.risk.LimitScope;
import dev.holdfast.domain.risk.RiskConfig;
import dev.holdfast.domain.money.Amount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RiskConfigJsonTest {
    private static final String ABSENT = "<absent>";

    /** A valid PUT body: the defaults plus a reason. */
    static ObjectNode validBody() {
        ObjectNode n = RiskConfigJson.toJson(RiskConfig.DEFAULT);
        n.put("reason", "a test change");
        return n;
    }

    /** Sets (or with {@link #ABSENT}, removes) the value at a dotted path. */
    static ObjectNode with(ObjectNode root, String path, String jsonValue) {
        String[] parts = path.split("\\.");
        ObjectNode parent = root;
        for (int i = 0; i < parts.length - 1; i++) {
            parent = (ObjectNode) parent.get(parts[i]);
        }
        String last = parts[parts.length - 1];
        if (ABSENT.equals(jsonValue)) {
            parent.remove(last);
        } else {
            try {
                parent.set(last, Json.parse(jsonValue));
            } catch (Exception e) {
                throw new IllegalArgumentException(jsonValue, e);
            }
        }
        return root;
    }

    private static ApiError invalid(JsonNode body) {
        return assertThrows(ApiError.class, () -> {
            RiskConfigJson.fromJson(body, 2);
            RiskConfigJson.reasonOf(body);
        });
    }

    @Test
    void defaultIsTheContractExample() {
        RiskConfig d = RiskConfig.DEFAULT;
        assertEquals(1, d.version());
        assertEquals(Amount.of(1000), d.stake().min());
        assertEquals(Amount.of(10_000_000), d.stake().max());
        assertEquals(Amount.of(5_000_000_000L), d.limits().global());
        assertEquals(Amount.of(100_000_000), d.limits().event().defaultLimit());
        assertEquals(Amount.of(50_000_000), d.limits().user().defaultLimit());
        assertEquals(Amount.of(200_000_000), d.limits().segment().defaultLimit());
        assertTrue(d.limits().event().overrides().isEmpty());
        assertEquals(new RiskConfig.RateLimits(60, 600), d.rateLimits());
        assertEquals(new FeedFreshness(3, 10), d.feed());
        assertEquals(30, d.failClose().maxRiskLagSeconds());
    }

    @Test
    void jsonHasTheContractShapeWithStringAmounts() throws Exception {
        JsonNode expected = Json.parse("""
                {"version":1,"stake":{"min":"1000","max":"10000000"},
                 "limits":{"global":"5000000000",
                           "event":{"default":"100000000","overrides":{}},
                           "user":{"default":"50000000","overrides":{}},
                           "segment":{"default":"200000000","overrides":{}}},
                 "rateLimits":{"ordersPerUserPerMinute":60,"ordersPerAddressPerMinute":600,"entersPerDevicePerMinute":30,"entersPerAddressPerMinute":120},
                 "feed":{"keepSeconds":3,"suspendAfterSeconds":10,"maxSequenceJump":1000000,"maxFutureSkewSeconds":300},
                 "failClose":{"maxRiskLagSeconds":30},
                 "postTrade":{"suspendMarkets":true,"suspendAtShareOfEventLimit":"0.9",
                              "maxStakeBurst":{"orders":5,"windowSeconds":600,"accountAgeHours":24},
                              "sharedDevice":{"accounts":5,"windowSeconds":3600},
                              "sharedAddress":{"accounts":50,"windowSeconds":3600}}}""");
        assertEquals(Json.write(expected), Json.write(RiskConfigJson.toJson(RiskConfig.DEFAULT)));
    }

    @Test
    void roundTripsWithOverridesAndTheLargestAmounts() {
        ObjectNode body = validBody();
        with(body, "limits.event.overrides", "{\"e-1\":\"300000000\",\"e-0\":\"0\"}");
        with(body, "limits.segment.overrides", "{\"region:busan\":\"999999999999999\"}");
        with(body, "limits.global", "\"999999999999999\"");
        with(body, "version", "\"whatever: the server assigns it\"");
        RiskConfig c = RiskConfigJson.fromJson(body, 7);
        assertEquals(7, c.version(), "the body's version is ignored");
        assertEquals(Amount.parse("999999999999999"), c.limits().global());
        assertEquals(c, RiskConfigJson.fromJson(RiskConfigJson.toJson(c), 7));
        assertEquals("a test change", RiskConfigJson.reasonOf(body));
        assertEquals("{\"e-0\":\"0\",\"e-1\":\"300000000\"}",
                Json.write(RiskConfigJson.toJson(c).path("limits").path("event").path("overrides")), "overrides sorted by id");
    }

    @Test
    void postTradeIsOptionalAndRoundTrips() {
        ObjectNode older = validBody();
        older.remove("postTrade");
        assertEquals(RiskConfig.PostTrade.DEFAULT, RiskConfigJson.fromJson(older, 2).postTrade(), "a config from before it existed");
        ObjectNode body = validBody();
        with(body, "postTrade.suspendMarkets", "false");
        with(body, "postTrade.suspendAtShareOfEventLimit", "\"1\"");
        with(body, "postTrade.maxStakeBurst.orders", "1");
        with(body, "postTrade.sharedAddress.windowSeconds", "604800");
        RiskConfig c = RiskConfigJson.fromJson(body, 3);
        assertEquals(false, c.postTrade().suspendMarkets());
        assertEquals(0, c.postTrade().suspendAtShareOfEventLimit().compareTo(java.math.BigDecimal.ONE));
        assertEquals(c, RiskConfigJson.fromJson(RiskConfigJson.toJson(c), 3));
        assertEquals(List.of("postTrade.suspendMarkets", "postTrade.suspendAtShareOfEventLimit",
                        "postTrade.maxStakeBurst.orders", "postTrade.sharedAddress.windowSeconds"),
                RiskConfigDiff.diff(RiskConfig.DEFAULT, c).stream().map(RiskConfigDiff.Change::path).toList());
    }

    @Test
    void limitIsTheOverrideElseTheDefault() {
        RiskConfig c = RiskConfigJson.fromJson(with(with(validBody(), "limits.event.overrides", "{\"e-1\":\"7\"}"),
                "limits.user.overrides", "{\"u-1\":\"8\"}"), 2);
        assertEquals(Amount.of(7), c.limit(LimitScope.EVENT, "e-1"));
        assertEquals(Amount.of(100_000_000), c.limit(LimitScope.EVENT, "e-2"));
        assertEquals(Amount.of(8), c.limit(LimitScope.USER, "u-1"));
        assertEquals(Amount.of(50_000_000), c.limit(LimitScope.USER, null));
        assertEquals(Amount.of(200_000_000), c.limit(LimitScope.SEGMENT, "region:seoul"));
        assertEquals(Amount.of(5_000_000_000L), c.limit(LimitScope.GLOBAL, "e-1"));
        assertEquals(Amount.of(5_000_000_000L), c.limit(LimitScope.GLOBAL, null));
    }

    @ParameterizedTest(name = "{0} = {1} -> field {2}")
    @CsvSource(delimiter = '|', value = {
            "extra                                       | true               | extra",
            "stake                                       | <absent>           | stake",
            "stake                                       | null               | stake",
            "stake                                       | \"1000\"           | stake",
            "stake.min                                   | <absent>           | stake.min",
            "stake.min                                   | 1000               | stake.min",
            "stake.min                                   | \"-1\"             | stake.min",
            "stake.min                                   | \"1.5\"            | stake.min",
            "stake.min                                   | \"01000\"          | stake.min",
            "stake.min                                   | \"1e3\"            | stake.min",
            "stake.min                                   | \"10000001\"       | stake.min",
            "stake.max                                   | \"1000000000000000\" | stake.max",
            "stake.max                                   | \"\"               | stake.max",
            "stake.extra                                 | 1                  | stake.extra",
            "limits                                      | <absent>           | limits",
            "limits.global                               | <absent>           | limits.global",
            "limits.global                               | 5000000000         | limits.global",
            "limits.global                               | \"9999999999999999\" | limits.global",
            "limits.extra                                | {}                 | limits.extra",
            "limits.event                                | <absent>           | limits.event",
            "limits.event                                | \"100\"            | limits.event",
            "limits.event.default                        | <absent>           | limits.event.default",
            "limits.event.default                        | \"abc\"            | limits.event.default",
            "limits.event.overrides                      | <absent>           | limits.event.overrides",
            "limits.event.overrides                      | []                 | limits.event.overrides",
            "limits.event.overrides                      | {\"e-1\":\"x\"}    | limits.event.overrides.e-1",
            "limits.event.overrides                      | {\"e-1\":300}      | limits.event.overrides.e-1",
            "limits.event.overrides                      | {\"e-1\":null}     | limits.event.overrides.e-1",
            "limits.event.overrides                      | {\"\":\"1\"}       | limits.event.overrides.",
            "limits.event.max                            | \"1\"              | limits.event.max",
            "limits.user.default                         | \"-5\"             | limits.user.default",
            "limits.user.overrides                       | {\"u-1\":\"1000000000000000\"} | limits.user.overrides.u-1",
            "limits.segment                              | <absent>           | limits.segment",
            "limits.segment.overrides                    | {\"region:busan\":\"1.0\"} | limits.segment.overrides.region:busan",
            "rateLimits                                  | <absent>           | rateLimits",
            "rateLimits.ordersPerUserPerMinute           | 0                  | rateLimits.ordersPerUserPerMinute",
            "rateLimits.ordersPerUserPerMinute           | 100001             | rateLimits.ordersPerUserPerMinute",
            "rateLimits.ordersPerUserPerMinute           | \"60\"             | rateLimits.ordersPerUserPerMinute",
            "rateLimits.ordersPerUserPerMinute           | 60.5               | rateLimits.ordersPerUserPerMinute",
            "rateLimits.ordersPerUserPerMinute           | <absent>           | rateLimits.ordersPerUserPerMinute",
            "rateLimits.ordersPerAddressPerMinute        | -1                 | rateLimits.ordersPerAddressPerMinute",
            "rateLimits.ordersPerAddressPerMinute        | 99999999999999999999 | rateLimits.ordersPerAddressPerMinute",
            "feed                                        | <absent>           | feed",
            "feed.keepSeconds                            | 0                  | feed.keepSeconds",
            "feed.keepSeconds                            | 11                 | feed.keepSeconds",
            "feed.keepSeconds                            | <absent>           | feed.keepSeconds",
            "feed.suspendAfterSeconds                    | 3601               | feed.suspendAfterSeconds",
            "feed.suspendAfterSeconds                    | 2                  | feed.keepSeconds",
            "failClose                                   | <absent>           | failClose",
            "failClose.maxRiskLagSeconds                 | 0                  | failClose.maxRiskLagSeconds",
            "failClose.maxRiskLagSeconds                 | 3601               | failClose.maxRiskLagSeconds",
            "failClose.maxRiskLagSeconds                 | true               | failClose.maxRiskLagSeconds",
            "postTrade                                   | \"on\"             | postTrade",
            "postTrade.extra                             | 1                  | postTrade.extra",
            "postTrade.suspendMarkets                    | <absent>           | postTrade.suspendMarkets",
            "postTrade.suspendMarkets                    | \"true\"           | postTrade.suspendMarkets",
            "postTrade.suspendAtShareOfEventLimit        | <absent>           | postTrade.suspendAtShareOfEventLimit",
            "postTrade.suspendAtShareOfEventLimit        | 0.9                | postTrade.suspendAtShareOfEventLimit",
            "postTrade.suspendAtShareOfEventLimit        | \"0\"              | postTrade.suspendAtShareOfEventLimit",
            "postTrade.suspendAtShareOfEventLimit        | \"1.01\"           | postTrade.suspendAtShareOfEventLimit",
            "postTrade.suspendAtShareOfEventLimit        | \"-0.5\"           | postTrade.suspendAtShareOfEventLimit",
            "postTrade.suspendAtShareOfEventLimit        | \"9e-1\"           | postTrade.suspendAtShareOfEventLimit",
            "postTrade.maxStakeBurst                     | <absent>           | postTrade.maxStakeBurst",
            "postTrade.maxStakeBurst.orders              | 0                  | postTrade.maxStakeBurst.orders",
            "postTrade.maxStakeBurst.windowSeconds       | 604801             | postTrade.maxStakeBurst.windowSeconds",
            "postTrade.maxStakeBurst.accountAgeHours     | -1                 | postTrade.maxStakeBurst.accountAgeHours",
            "postTrade.maxStakeBurst.extra               | 1                  | postTrade.maxStakeBurst.extra",
            "postTrade.sharedDevice.accounts             | 1                  | postTrade.sharedDevice.accounts",
            "postTrade.sharedDevice.windowSeconds        | <absent>           | postTrade.sharedDevice.windowSeconds",
            "postTrade.sharedAddress                     | []                 | postTrade.sharedAddress",
            "postTrade.sharedAddress.accounts            | 1001               | postTrade.sharedAddress.accounts",
            "reason                                      | <absent>           | reason",
            "reason                                      | null               | reason",
            "reason                                      | \"  \"             | reason",
            "reason                                      | 42                 | reason",
    })
    void invalidBodiesNameTheField(String path, String value, String field) {
        ApiError e = invalid(with(validBody(), path, value));
        assertEquals(ErrorCode.VALIDATION_ERROR, e.code());
        assertEquals(field, e.details().path("field").asText(), e.getMessage());
    }

    @Test
    void reasonIsAtMost500Characters() {
        assertEquals(500, RiskConfigJson.reasonOf(validBody().put("reason", "r".repeat(500))).length());
        assertEquals("reason", invalid(validBody().put("reason", "r".repeat(501))).details().path("field").asText());
    }

    @Test
    void tooManyOverridesAreRefused() {
        ObjectNode body = validBody();
        ObjectNode o = (ObjectNode) body.path("limits").path("user").path("overrides");
        for (int i = 0; i <= RiskConfig.MAX_OVERRIDES; i++) {
            o.put("u-" + i, "1");
        }
        assertEquals("limits.user.overrides", invalid(body).details().path("field").asText());
        with(body, "limits.user.overrides", "{\"" + "x".repeat(101) + "\":\"1\"}");
        assertTrue(invalid(body).details().path("field").asText().startsWith("limits.user.overrides."));
    }

    @Test
    void aBodyThatIsNotAnObjectIsRefused() throws Exception {
        assertEquals("body", invalid(Json.parse("[1]")).details().path("field").asText());
        assertEquals("body", assertThrows(ApiError.class, () -> RiskConfigJson.fromJson(null, 1)).details().path("field").asText());
    }

    @Test
    void stakeMinMayEqualMax() {
        RiskConfig c = RiskConfigJson.fromJson(with(validBody(), "stake.min", "\"10000000\""), 2);
        assertEquals(c.stake().min(), c.stake().max());
        RiskConfig f = RiskConfigJson.fromJson(with(validBody(), "feed.keepSeconds", "10"), 2);
        assertEquals(10, f.feed().keepSeconds());
    }

    @Test
    void recordsGuardTheirInvariants() {
        assertThrows(IllegalArgumentException.class, () -> new RiskConfig.StakeRange(Amount.of(2), Amount.of(1)));
        assertThrows(IllegalArgumentException.class, () -> new RiskConfig.RateLimits(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new RiskConfig.FailClose(0));
        assertThrows(IllegalArgumentException.class, () -> RiskConfig.DEFAULT.withVersion(0));
        RiskConfig.ScopedLimit s = new RiskConfig.ScopedLimit(Amount.of(1), Map.of("b", Amount.of(2), "a", Amount.of(3)));
        assertEquals("a", s.overrides().keySet().iterator().next());
        assertThrows(UnsupportedOperationException.class, () -> s.overrides().put("c", Amount.of(1)));
    }
}
