package dev.holdfast.local.pages;

import dev.holdfast.local.LocalHoldfast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Api.Reply;
import dev.holdfast.local.testing.Chromium;
import dev.holdfast.local.testing.Markets;
import dev.holdfast.local.testing.Rollouts;
import dev.holdfast.local.testing.SharedEnvironment;
import dev.holdfast.local.testing.Withdrawing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ops console end to end in headless Chromium on a laptop screen, against the real local
 * environment: an operator signs in with a local admin token, halts trading (and {@code /status}
 * shows the notice), opens a market the feed has priced, edits a limit and sees the diff before
 * and in the history, creates a rollout and watches its admission chart move, credits an account
 * and finds the entry in its ledger, and finds every one of those actions in the audit page. Then
 * the same console on a phone. Screenshots land in {@code localstack/target/ops-console/}.
 * Skipped where no Chromium is installed (the served-files test runs regardless).
 */
class OpsConsoleBrowserTest {
    static final Path SHOTS = Path.of("target", "ops-console");
    static final Duration STEP = Duration.ofSeconds(20);
    static final List<String> FILES = List.of("index.html", "ops.js", "ops.css");

    static LocalHoldfast env;
    static Api api;
    static Markets markets;
    static Rollouts rollouts;
    static Chromium browser;
    /** A token of the operator the browser signed in as (same sub). */
    static String operator;

    @BeforeAll
    static void start() throws Exception {
        env = SharedEnvironment.get();
        api = new Api(env.apiBaseUrl());
        markets = new Markets(env);
        rollouts = new Rollouts(api);
        if (Chromium.binary().isPresent()) {
            browser = Chromium.laptop(Chromium.binary().get(), 1280, 860);
            Files.createDirectories(SHOTS);
        }
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void theConsoleIsServedUncachedAtOps() throws IOException {
        long bundle = 0;
        for (String f : FILES) {
            Reply r = api.get("/ops/" + f, null);
            assertEquals(200, r.status(), f);
            assertEquals("no-store", r.header("Cache-Control"), f + " is never cached (it shows the live mode)");
            assertEquals("nosniff", r.header("X-Content-Type-Options"), f);
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("web/ops/" + f)) {
                assertNotNull(in, f);
                byte[] bytes = in.readAllBytes();
                bundle += bytes.length;
                assertEquals(new String(bytes, java.nio.charset.StandardCharsets.UTF_8), r.raw(), f + " as in the bundle");
            }
        }
        Reply root = api.get("/ops/", null);
        assertEquals(200, root.status());
        assertTrue(root.header("Content-Type").startsWith("text/html"), root.header("Content-Type"));
        assertTrue(root.raw().contains("Content-Security-Policy") && root.raw().contains("script-src 'self'"), "a strict CSP, no inline script");
        assertEquals("local", api.get("/ops/config.json", null).json().path("auth").asText());
        assertEquals(301, api.get("/ops", null).status());
        assertEquals("NOT_FOUND", api.get("/ops/../index.html", null).code());
        assertEquals("NOT_FOUND", api.get("/ops/nothing.js", null).code());
        assertTrue(bundle < 80 * 1024, "the whole console is small: " + bundle + " bytes");
        System.out.println("ops console bundle: " + bundle + " bytes (" + FILES + ")");
    }

    @Test
    void anOperatorSeesAndSteersHoldfast() throws Exception {
        assumeTrue(browser != null, "no chromium binary (install Debian's chromium package)");
        String sub = "ops-" + UUID.randomUUID().toString().substring(0, 8);
        String admin = api.token(sub, "admin");
        operator = admin;
        JsonNode riskBefore = api.get("/admin/risk/config", admin).json();
        try {
            signIn(sub);
            String marketId = openAMarketTheFeedPriced();
            haltAndResume(marketId);
            editALimit();
            watchARollout();
            settle(marketId);
            creditAnAccount();
            findEachActionInTheAudit(sub);
            phone(marketId);
        } finally {
            // leave the shared environment as it was: trading on, the config without this test's override
            api.post("/admin/maintenance", admin, "{\"mode\":\"NORMAL\"}");
            JsonNode now = api.get("/admin/risk/config", admin).json();
            if (!now.path("limits").equals(riskBefore.path("limits"))) {
                ObjectNode back = riskBefore.deepCopy();
                back.remove("version");
                back.put("reason", "ops console test: restore");
                api.send("PUT", "/admin/risk/config", admin, Json.write(back), "If-Match", now.path("version").asText());
            }
        }
        List<String> errors = browser.console().stream().filter(l -> l.startsWith("exception")).toList();
        assertEquals(List.of(), errors, "no uncaught exceptions in the page");
    }

    private void signIn(String sub) throws Exception {
        browser.navigate(env.apiBaseUrl() + "/ops/");
        browser.await("document.body.dataset.ready", "true"::equals, STEP, "the console loaded");
        assertEquals("signin", js("document.body.dataset.page"));
        set("signin-sub", sub);
        click("signin-go");
        browser.await("document.body.dataset.page", "now"::equals, STEP, "signed in, on the Now page");
        assertEquals(sub, text("who"));
    }

    private void haltAndResume(String marketId) throws Exception {
        js("location.hash = 'now'");
        browser.await("document.body.dataset.page", "now"::equals, STEP, "the Now page");
        String notice = "Console drill " + UUID.randomUUID().toString().substring(0, 6) + ": back at 10:00";
        set("mode-notice", notice);
        click("mode-halt");
        assertEquals("false", js("String(document.getElementById('mode-confirm').hidden)"), "a confirmation step");
        assertEquals("NORMAL", api.get("/status", null).json().path("mode").asText(), "nothing happens before confirming");
        shot("2-now-confirm-halt");
        click("mode-confirm-yes");
        browser.await("document.getElementById('now-mode').textContent", "TRADING_HALTED"::equals, STEP, "halted");
        JsonNode status = api.get("/status", null).json();
        assertEquals("TRADING_HALTED", status.path("mode").asText());
        assertEquals(notice, status.path("notice").asText(), "the notice on /status");
        assertEquals(notice, text("now-notice"));
        assertEquals("TRADING_HALTED", text("mode-badge"));
        browser.await("document.getElementById('now-alarms').textContent", v -> v.contains("Trading mode is TRADING_HALTED"), STEP,
                "the halt among the alarms");
        browser.await("document.querySelector('#now-markets tbody').textContent", v -> v.contains(marketId), STEP,
                "the open market on Now");
        browser.await("(function () { var c = document.querySelector('#now-markets tr[data-market=\"" + marketId + "\"] td.age');"
                + " return c ? c.className : ''; })()", v -> v.contains("stale") || v.contains("fresh"), STEP, "its price age");
        browser.await("document.querySelector('#now-markets tr[data-market=\"" + marketId + "\"] td.last').textContent",
                v -> v.contains(" by "), STEP, "its last transition");
        shot("3-now-halted");
        // the market gets no more prices: its age turns red past keepSeconds, and the alarms say so
        browser.await("document.querySelector('#now-markets tr[data-market=\"" + marketId + "\"] td.age').className",
                v -> v.contains("stale"), STEP, "the price age red past keepSeconds");
        browser.await("document.getElementById('now-alarms').textContent", v -> v.contains("with a stale price") || v.contains("suspended"), STEP,
                "the stale price among the alarms");
        browser.screen(1100, 470, false);
        shot("0-now-halted-stale-price"); // the README's picture (docs/ops-console.png)
        browser.screen(1280, 860, false);

        // a refused action shows the API's code and message: a credit while halted
        js("location.hash = 'money'");
        browser.await("document.body.dataset.page", "money"::equals, STEP, "the Money page");
        set("ac-id", "u-" + UUID.randomUUID());
        click("ac-go");
        browser.await("document.getElementById('ac-wallet').textContent", v -> v.contains("not yet"), STEP, "the account read");
        set("cr-amount", "1000");
        set("cr-reason", "while halted");
        click("cr-go");
        click("cr-yes");
        String err = browser.await("document.getElementById('cr-err').textContent", v -> !v.isEmpty(), STEP, "the refusal");
        assertTrue(err.startsWith("503 TRADING_HALTED: "), err);
        click("cr-no");

        js("location.hash = 'now'");
        browser.await("document.body.dataset.page", "now"::equals, STEP, "back on Now");
        click("mode-resume");
        click("mode-confirm-yes");
        browser.await("document.getElementById('now-mode').textContent", "NORMAL"::equals, STEP, "resumed");
        assertEquals("NORMAL", api.get("/status", null).json().path("mode").asText());
    }

    private String openAMarketTheFeedPriced() throws Exception {
        js("location.hash = 'markets'");
        browser.await("document.body.dataset.page", "markets"::equals, STEP, "the Markets page");
        set("ev-segment", "region:console");
        click("ev-create");
        String eventId = browser.await("document.getElementById('mk-event').value", v -> v.startsWith("e-"), STEP, "the new event");
        String pmid = Markets.newProviderMarketId();
        set("mk-pmid", pmid);
        click("mk-create");
        String marketId = browser.await("document.getElementById('mk-out').dataset.marketId || ''", v -> v.startsWith("m-"), STEP, "the new market");
        assertEquals(eventId, markets.get(marketId).path("eventId").asText());

        // opening before the feed priced it: the API's refusal, shown as it is
        browser.await("document.getElementById('md-id').textContent", marketId::equals, STEP, "the market's panel");
        set("md-to", "OPEN");
        set("md-reason", "too early");
        click("md-apply");
        String early = browser.await("document.getElementById('md-err').textContent", v -> !v.isEmpty(), STEP, "the early refusal");
        assertTrue(early.matches("4\\d\\d [A-Z_]+: .+(\\n.*)?"), early);

        markets.send(pmid, 1, "0.45", "0.30", "0.25");
        markets.await(marketId, m -> !m.path("price").isNull());
        markets.send(pmid, 2, "0.44", "0.31", "0.25");
        click("mk-refresh");
        js("document.querySelector('[data-open=\"" + marketId + "\"]').click()");
        browser.await("document.getElementById('md-price').textContent", v -> v.startsWith("price v"), STEP, "the price shown");
        set("md-reason", "feed priced it");
        click("md-apply");
        browser.await("document.getElementById('md-state').textContent", "OPEN"::equals, STEP, "the market open");
        assertEquals("OPEN", markets.get(marketId).path("state").asText());
        browser.await("document.querySelector('#md-transitions tbody').textContent", v -> v.contains("feed priced it"), STEP,
                "the transition with its reason");
        shot("1-markets-opened");

        return marketId;
    }

    private void editALimit() throws Exception {
        js("location.hash = 'exposure'");
        browser.await("document.getElementById('rc-version').textContent", v -> v.matches("\\d+"), STEP, "the risk config");
        String version = text("rc-version");
        String user = "u-console-" + UUID.randomUUID().toString().substring(0, 8);
        js("(function () { var t = document.getElementById('rc-text'); var c = JSON.parse(t.value);"
                + " c.limits.user.overrides['" + user + "'] = '12345000'; t.value = JSON.stringify(c, null, 2); return true; })()");
        set("rc-reason", "console test: cap " + user);
        click("rc-review");
        String diff = browser.await("document.querySelector('#rc-diff tbody').textContent", v -> v.contains(user), STEP, "the diff before PUT");
        assertTrue(diff.contains("limits.user.overrides." + user) && diff.contains("\"12345000\""), diff);
        assertEquals(version, text("rc-version"), "nothing saved yet");
        assertEquals(version, api.get("/admin/risk/config", api.token("ops-x", "admin")).json().path("version").asText());
        shot("4-exposure-diff");
        click("rc-apply");
        browser.await("document.getElementById('rc-out').textContent", v -> v.startsWith("Saved as version"), STEP, "saved");
        String row = browser.await("document.querySelector('#rc-history tbody tr').textContent", v -> v.contains(user), STEP,
                "the change at the top of the history");
        assertTrue(row.contains("console test: cap " + user) && row.contains("12345000"), row);

        // a stale If-Match is refused with the API's code
        js("(function () { document.getElementById('rc-version').textContent; return true; })()");
        js("(function () { var t = document.getElementById('rc-text'); var c = JSON.parse(t.value);"
                + " c.limits.user.overrides['" + user + "'] = '1'; t.value = JSON.stringify(c); return true; })()");
        api.send("PUT", "/admin/risk/config", api.token("ops-other", "admin"), currentConfigWithReason("a concurrent edit"),
                "If-Match", api.get("/admin/risk/config", api.token("ops-other", "admin")).json().path("version").asText());
        set("rc-reason", "stale edit");
        click("rc-review");
        click("rc-apply");
        String conflict = browser.await("document.getElementById('rc-err').textContent", v -> !v.isEmpty(), STEP, "the conflict");
        assertTrue(conflict.startsWith("409 VERSION_CONFLICT: "), conflict);
        js("document.getElementById('rc-err').scrollIntoView({block: 'center'}), true");
        shot("5a-exposure-conflict");
        click("rc-reload");
        browser.await("document.getElementById('rc-text').value", v -> v.contains("\"" + user + "\": \"12345000\""), STEP,
                "the current config again");
        browser.await("document.querySelector('#rc-history tbody tr').textContent", v -> v.contains("a concurrent edit"), STEP,
                "the history with the other operator's change on top");
        assertEquals(text("rc-version"), js("document.querySelector('#rc-history tbody tr').dataset.version"));

        set("exp-user", user);
        click("exp-go");
        browser.await("document.querySelectorAll('#exp-bars .bar').length", v -> v.equals("2"), STEP, "GLOBAL and USER bars");
        assertTrue(text("exp-bars").contains("of 12,345,000"), text("exp-bars"));
        js("document.getElementById('rc-history').scrollIntoView({block: 'end'}), true");
        shot("5-exposure-history");
    }

    private static String currentConfigWithReason(String reason) {
        ObjectNode c = api.get("/admin/risk/config", api.token("ops-other", "admin")).json().deepCopy();
        c.remove("version");
        c.put("reason", reason);
        return Json.write(c);
    }

    private void watchARollout() throws Exception {
        js("location.hash = 'rollouts'");
        browser.await("document.body.dataset.page", "rollouts"::equals, STEP, "the Rollouts page");
        set("ro-name", "Console launch");
        set("ro-rate", "2");
        click("ro-create");
        String rolloutId = browser.await("document.getElementById('rd-id').textContent", v -> v.startsWith("r"), STEP, "the rollout");
        String link = browser.await("(document.querySelector('#rd-cohorts [data-link]') || {dataset: {}}).dataset.link || ''",
                v -> v.contains("c="), STEP, "the cohort link");
        assertTrue(link.startsWith(env.apiBaseUrl()), link);
        for (int i = 0; i < 8; i++) {
            assertEquals(201, rollouts.enter(link, "console-" + rolloutId + "-" + i).status());
        }
        browser.await("document.querySelector('#rd-cohorts td.entered').textContent", "8"::equals, STEP, "8 entered");
        browser.await("document.querySelector('#rd-cohorts td.admitted').textContent", v -> Integer.parseInt(v) >= 4, STEP,
                "admissions going on");
        browser.await("document.getElementById('rd-chart').dataset.max", v -> Double.parseDouble(v) >= 4, STEP,
                "the chart's line rising");
        assertTrue(Integer.parseInt(js("document.getElementById('rd-chart').dataset.points")) >= 3, "points over time");
        assertTrue(Double.parseDouble(js("document.getElementById('rd-rate').dataset.max")) > 0, "a rate drawn");
        assertTrue(text("ro-health").startsWith("Verifier health factor "), text("ro-health"));
        shot("6-rollouts-chart");
    }

    private void settle(String marketId) throws Exception {
        js("location.hash = 'markets'");
        browser.await("document.querySelectorAll('[data-open=\"" + marketId + "\"]').length", "1"::equals, STEP, "the market listed");
        js("document.querySelector('[data-open=\"" + marketId + "\"]').click()");
        browser.await("document.getElementById('md-id').textContent", marketId::equals, STEP, "its panel");
        set("md-to", "CLOSED");
        set("md-reason", "full time");
        click("md-apply");
        browser.await("document.getElementById('md-state').textContent", "CLOSED"::equals, STEP, "closed");
        String key = browser.await("document.getElementById('md-key').textContent", v -> v.matches("[A-Za-z0-9_-]{1,64}"), STEP,
                "a generated Idempotency-Key");
        String home = Markets.selectionIds(markets.get(marketId)).get(0);
        set("md-winner", home);
        click("md-declare");
        String out = browser.await("document.getElementById('md-rout').textContent", v -> !v.isEmpty(), STEP, "the declaration accepted");
        assertEquals("Accepted: SETTLING", out);
        // the key the page generated is the one the API stored: the same declaration again is a replay
        Reply replay = api.send("POST", "/admin/markets/" + marketId + "/result", operator, "{\"winningSelectionId\":\"" + home + "\"}",
                "Idempotency-Key", key);
        assertEquals(202, replay.status(), replay.raw());
        assertEquals("true", replay.header("Idempotent-Replayed"), "the page sent the key it showed");
        markets.await(marketId, m -> m.path("state").asText().equals("SETTLED"));
    }

    private void creditAnAccount() throws Exception {
        String user = "u-" + UUID.randomUUID();
        js("location.hash = 'money'");
        browser.await("document.body.dataset.page", "money"::equals, STEP, "the Money page");
        set("ac-id", user);
        click("ac-go");
        browser.await("document.getElementById('ac-wallet').textContent", v -> v.contains("not yet"), STEP, "an account not opened yet");
        set("cr-amount", "12.5");
        set("cr-reason", "goodwill");
        click("cr-go");
        click("cr-yes");
        String bad = browser.await("document.getElementById('cr-err').textContent", v -> !v.isEmpty(), STEP, "the refusal");
        assertTrue(bad.startsWith("400 VALIDATION_ERROR: ") && bad.contains("amount"), bad);
        set("cr-amount", "999999999999999");
        click("cr-go");
        click("cr-yes");
        String out = browser.await("document.getElementById('cr-out').textContent", v -> v.startsWith("Credited"), STEP, "credited");
        String entryId = out.replaceAll("^Credited: entry (\\S+).*$", "$1");
        browser.await("document.querySelector('#lg-list tbody').textContent", v -> v.contains(entryId), STEP, "the entry in the ledger");
        String row = js("document.querySelector('#lg-list tr[data-entry=\"" + entryId + "\"]').textContent");
        assertTrue(row.contains("CREDIT") && row.contains("999,999,999,999,999"), row);
        assertTrue(text("ac-wallet").contains("999,999,999,999,999"), text("ac-wallet"));
        assertEquals("999999999999999", api.get("/admin/accounts/" + user, api.token("ops-x", "admin")).json().path("cash").asText());

        // the account's owner withdraws; the operator looks the withdrawal up
        Reply w = api.send("POST", "/wallet/withdrawals", api.token(user), Withdrawing.body("500000"),
                "Idempotency-Key", "k-" + UUID.randomUUID());
        assertEquals(202, w.status(), w.raw());
        set("wd-id", w.json().path("withdrawalId").asText());
        click("wd-go");
        String wd = browser.await("document.getElementById('wd-out').textContent", v -> v.contains("COMPLETED"), Duration.ofSeconds(45),
                "the withdrawal paid, with its bank attempts");
        assertTrue(wd.contains(user) && wd.contains("#1 at "), wd);
        click("ac-go");
        browser.await("document.querySelector('#lg-list tbody').textContent", v -> v.contains("WITHDRAWAL_PAID"), STEP,
                "the payout in the ledger");
        shot("7-money-ledger");
    }

    private void findEachActionInTheAudit(String sub) throws Exception {
        js("location.hash = 'audit'");
        browser.await("document.body.dataset.page", "audit"::equals, STEP, "the Audit page");
        set("au-actor", sub);
        click("au-go");
        Set<String> wanted = Set.of("MAINTENANCE_SET", "EVENT_CREATED", "MARKET_CREATED", "MARKET_STATE_SET", "MARKET_RESULT_DECLARED", "RISK_CONFIG_SET",
                "ROLLOUT_CREATED", "ACCOUNT_CREDITED");
        browser.await("document.getElementById('au-list').dataset.query || ''", v -> v.contains("actor=" + sub), STEP, "the filtered read");
        browser.await("Array.prototype.map.call(document.querySelectorAll('#au-list tbody tr'), function (r) { return r.dataset.action; }).join(',')",
                v -> new HashSet<>(List.of(v.split(","))).containsAll(wanted), STEP, "every action of this operator");
        String actors = js("Array.prototype.map.call(document.querySelectorAll('#au-list tbody tr td:nth-child(2)'), function (c) { return c.textContent; }).join(',')");
        assertEquals(Set.of(sub), new HashSet<>(List.of(actors.split(","))), "only this operator's records");
        shot("8-audit");
        set("au-action", "ACCOUNT_CREDITED");
        click("au-go");
        browser.await("document.getElementById('au-list').dataset.query || ''", v -> v.contains("action=ACCOUNT_CREDITED"), STEP,
                "the read filtered by action too");
        browser.await("Array.prototype.map.call(document.querySelectorAll('#au-list tbody tr'), function (r) { return r.dataset.action; }).join(',')",
                "ACCOUNT_CREDITED"::equals, STEP, "the credit alone");
    }

    private void phone(String marketId) throws Exception {
        browser.screen(390, 844, true);
        try {
            int loads = Integer.parseInt(js("document.getElementById('p-now').dataset.loads || '0'"));
            js("location.hash = 'now'");
            browser.await("document.getElementById('p-now').dataset.loads || '0'", v -> Integer.parseInt(v) > loads, STEP, "Now on a phone");
            assertTrue(!text("now-markets").contains(marketId), "the settled market is no longer among the open ones");
            assertEquals("true", js("String(document.documentElement.scrollWidth <= window.innerWidth + 1)"),
                    "no sideways scrolling of the page on a phone (wide tables scroll inside their cards)");
            shot("9-phone-now");
        } finally {
            browser.screen(1280, 860, false);
        }
    }

    // ---- driving the page ----

    private static String js(String expression) {
        JsonNode v = browser.evaluate(expression);
        return v.isMissingNode() || v.isNull() ? null : v.asText();
    }

    private static String text(String id) {
        return js("document.getElementById('" + id + "').textContent");
    }

    private static void set(String id, String value) {
        js("(function () { var e = document.getElementById('" + id + "'); e.value = " + Json.write(Json.MAPPER.valueToTree(value))
                + "; e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true})); return true; })()");
    }

    private static void click(String id) throws InterruptedException {
        browser.await("(function () { var e = document.getElementById('" + id + "'); return !!e && !e.disabled && e.offsetParent !== null; })()",
                "true"::equals, STEP, id + " clickable");
        js("document.getElementById('" + id + "').click(), true");
    }

    private static void shot(String name) throws IOException {
        browser.screenshot(SHOTS.resolve(name + ".png"));
    }
}
