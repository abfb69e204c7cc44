package dev.holdfast.local.platform;

import dev.holdfast.local.LocalHoldfast;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Api.Reply;
import dev.holdfast.local.testing.SharedEnvironment;
import dev.holdfast.local.testing.Withdrawing;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin reads the ops console needs, over real HTTP: any account's balances and ledger pages,
 * any withdrawal with its bank attempts, the risk pipeline's lag, and the audit trail filtered by
 * actor, action and target — each refused to non-admins.
 */
class AdminReadsTest {
    private static Api api;
    private static LocalHoldfast env;
    private static String adminSub;
    private static String admin;

    @BeforeAll
    static void start() {
        env = SharedEnvironment.get();
        api = new Api(env.apiBaseUrl());
        adminSub = "ops-" + UUID.randomUUID();
        admin = api.token(adminSub, "admin");
    }

    private static Reply credit(String accountId, String amount, String fund) {
        Reply r = api.send("POST", "/admin/accounts/" + accountId + "/credits", admin,
                "{\"amount\":\"" + amount + "\",\"fund\":\"" + fund + "\",\"reason\":\"test\"}",
                "Idempotency-Key", "k-" + UUID.randomUUID());
        assertEquals(201, r.status(), r.raw());
        return r;
    }

    @Test
    void anAdminReadsAnyAccountAndPagesItsLedger() {
        String user = "u-" + UUID.randomUUID();
        Reply none = api.get("/admin/accounts/" + user, admin);
        assertEquals(200, none.status(), none.raw());
        assertFalse(none.json().path("exists").asBoolean());
        assertEquals("0", none.json().path("cash").asText());
        assertTrue(none.json().path("openedAt").isNull());

        List<String> credited = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            credited.add(credit(user, "100000000000" + i, i % 2 == 0 ? "BONUS" : "CASH").json().path("entryId").asText());
        }
        Reply acct = api.get("/admin/accounts/" + user, admin);
        assertTrue(acct.json().path("exists").asBoolean());
        assertEquals(user, acct.json().path("accountId").asText());
        assertEquals("3000000000009", acct.json().path("cash").asText(), "exact sums: " + acct.raw());
        assertEquals("2000000000006", acct.json().path("bonus").asText());
        // the same view the owner gets
        assertEquals(api.get("/wallet", api.token(user)).json().path("cash"), acct.json().path("cash"));

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Reply page = api.get("/admin/accounts/" + user + "/ledger?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), admin);
            assertEquals(200, page.status(), page.raw());
            page.json().path("entries").forEach(e -> seen.add(e.path("entryId").asText()));
            cursor = page.json().path("nextCursor").isNull() ? null : page.json().path("nextCursor").asText();
            pages++;
        } while (cursor != null && pages < 10);
        assertEquals(3, pages);
        List<String> newestFirst = new ArrayList<>(credited);
        java.util.Collections.reverse(newestFirst);
        assertEquals(newestFirst, seen);

        assertEquals(400, api.get("/admin/accounts/" + user + "/ledger?cursor=forged", admin).status());
        assertEquals("FORBIDDEN", api.get("/admin/accounts/" + user, api.token(user)).code());
        assertEquals("FORBIDDEN", api.get("/admin/accounts/" + user + "/ledger", api.token(user)).code());
        assertEquals(401, api.get("/admin/accounts/" + user, null).status());
    }

    @Test
    void anAdminSeesAnyWithdrawalWithItsBankAttempts() throws Exception {
        String user = "u-" + UUID.randomUUID();
        credit(user, "50000", "CASH");
        Withdrawing w = new Withdrawing(env, api);
        String token = api.token(user);
        Reply made = w.withdraw(token, "k-" + UUID.randomUUID(), "20000");
        assertEquals(202, made.status(), made.raw());
        String id = made.json().path("withdrawalId").asText();
        w.awaitFinished(token, id, Duration.ofSeconds(30));

        Reply r = api.get("/admin/withdrawals/" + id, admin);
        assertEquals(200, r.status(), r.raw());
        assertEquals(user, r.json().path("accountId").asText());
        assertEquals("COMPLETED", r.json().path("status").asText());
        assertEquals("20000", r.json().path("amount").asText());
        assertTrue(r.json().path("bankAttempts").size() >= 1, r.raw());
        assertEquals(1, r.json().path("bankAttempts").get(0).path("attempt").asInt());

        assertEquals("WITHDRAWAL_NOT_FOUND", api.get("/admin/withdrawals/w-" + UUID.randomUUID(), admin).code());
        assertEquals("WITHDRAWAL_NOT_FOUND", api.get("/admin/withdrawals/nonsense", admin).code());
        assertEquals("FORBIDDEN", api.get("/admin/withdrawals/" + id, token).code());
    }

    @Test
    void theRiskLagIsReadable() {
        Reply r = api.get("/admin/risk/lag", admin);
        assertEquals(200, r.status(), r.raw());
        JsonNode j = r.json();
        assertTrue(j.path("maxRiskLagSeconds").asInt() >= 1, r.raw());
        assertTrue(j.has("failClosed") && j.has("reported") && j.has("lagSeconds") && j.has("measuredAt"), r.raw());
        if (j.path("reported").asBoolean()) {
            assertTrue(j.path("lagSeconds").isNumber(), r.raw());
        }
        assertEquals("FORBIDDEN", api.get("/admin/risk/lag", api.token("u-" + UUID.randomUUID())).code());
    }

    @Test
    void theAuditTrailFiltersByActorActionAndTarget() {
        String other = "ops-" + UUID.randomUUID();
        String otherToken = api.token(other, "admin");
        String a = "u-" + UUID.randomUUID();
        String b = "u-" + UUID.randomUUID();
        credit(a, "100", "CASH");
        credit(b, "200", "CASH");
        Reply ev = api.post("/admin/events", otherToken, "{\"name\":\"Filter\",\"startsAt\":\"2026-12-01T18:00:00.000Z\",\"segment\":\"s\"}");
        assertEquals(201, ev.status(), ev.raw());

        List<JsonNode> mine = all("actor=" + adminSub);
        assertEquals(2, mine.size(), "only this admin's records");
        assertEquals(Set.of("account/" + a, "account/" + b), targets(mine));
        mine.forEach(x -> assertEquals("ACCOUNT_CREDITED", x.path("action").asText()));

        List<JsonNode> byTarget = all("target=account/" + a);
        assertEquals(1, byTarget.size());
        assertEquals(adminSub, byTarget.get(0).path("actor").asText());

        List<JsonNode> theirs = all("actor=" + other + "&action=EVENT_CREATED");
        assertEquals(1, theirs.size());
        assertTrue(all("actor=" + other + "&action=ACCOUNT_CREDITED").isEmpty());
        assertEquals(Set.of("account/" + a, "account/" + b), targets(all("actor=" + adminSub + "&target=account/")));

        // paging a filter: one record per page, a cursor between them
        Reply first = api.get("/admin/audit?limit=1&actor=" + adminSub, admin);
        assertEquals(1, first.json().path("records").size());
        String cursor = first.json().path("nextCursor").asText();
        Reply second = api.get("/admin/audit?limit=1&actor=" + adminSub + "&cursor=" + cursor, admin);
        assertEquals(1, second.json().path("records").size(), second.raw());
        assertFalse(first.json().path("records").get(0).path("auditId").equals(second.json().path("records").get(0).path("auditId")));
        assertEquals("VALIDATION_ERROR", api.get("/admin/audit?actor=" + "x".repeat(201), admin).code());
    }

    private static List<JsonNode> all(String query) {
        List<JsonNode> out = new ArrayList<>();
        String cursor = null;
        for (int pages = 0; pages < 50; pages++) {
            Reply r = api.get("/admin/audit?limit=200&" + query + (cursor == null ? "" : "&cursor=" + cursor), admin);
            assertEquals(200, r.status(), r.raw());
            r.json().path("records").forEach(out::add);
            if (r.json().path("nextCursor").isNull()) {
                return out;
            }
            cursor = r.json().path("nextCursor").asText();
        }
        throw new AssertionError("too many pages");
    }

    private static Set<String> targets(List<JsonNode> records) {
        Set<String> t = new HashSet<>();
        records.forEach(r -> t.add(r.path("target").asText()));
        return t;
    }
}
