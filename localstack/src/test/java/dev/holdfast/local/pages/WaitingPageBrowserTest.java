package dev.holdfast.local.pages;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Chromium;
import dev.holdfast.local.testing.PageTexts;
import dev.holdfast.local.testing.Rollouts;
import dev.holdfast.local.testing.Rollouts.CohortSpec;
import dev.holdfast.local.testing.SharedEnvironment;
import dev.holdfast.local.testing.Signing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The waiting page end to end in headless Chromium on a phone-sized screen, against the real local
 * environment, once with a phone that prefers Korean and once with one that prefers English (its
 * {@code navigator.languages}, {@code Accept-Language} and locale set over DevTools; the phone's time zone is
 * New York, so the times shown must be Korea's on purpose): a bad, an early and a late link; a cohort link
 * that waits behind others, loses the network for a moment, is admitted, gets its form checked and signs
 * up to VERIFIED; and a turn that runs out before the form is sent. At every state the visible texts must
 * come from that language's table in the page (no English left on the Korean page, no Korean on the
 * English one) and a screenshot lands in {@code localstack/target/waiting-page/} ({@code ko-…},
 * {@code en-…}). Skipped where no Chromium is installed.
 */
class WaitingPageBrowserTest {
    static final Path SHOTS = Path.of("target", "waiting-page");
    static final String STATE = "document.body.dataset.state";
    static final int PHONE_WIDTH = 390;
    static final int PHONE_HEIGHT = 844;
    /** A 360 px-wide phone at 200 % zoom lays the page out in 180 CSS pixels. */
    static final int ZOOMED_WIDTH = 180;
    static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");
    static final PageTexts PAGE = PageTexts.load();
    static final Pattern LATIN = Pattern.compile("[A-Za-z]");
    static final Pattern HANGUL = Pattern.compile("[\\uAC00-\\uD7A3]");

    /** A phone's language settings. */
    record Phone(String lang, String acceptLanguage, String locale) {}

    static final Phone KOREAN = new Phone("ko", "ko-KR,ko,en-US", "ko-KR");
    static final Phone ENGLISH = new Phone("en", "en-US,en", "en-US");

    static Api api;
    static Rollouts rollouts;
    static Chromium phone;

    @BeforeAll
    static void start() throws Exception {
        if (Chromium.binary().isEmpty()) {
            return; // each test reports itself skipped
        }
        api = new Api(SharedEnvironment.get().apiBaseUrl());
        rollouts = new Rollouts(api);
        phone = Chromium.phone(Chromium.binary().get(), PHONE_WIDTH, PHONE_HEIGHT);
        phone.timeZone("America/New_York");
        Files.createDirectories(SHOTS);
    }

    @BeforeEach
    void needsChromium() {
        assumeTrue(phone != null, "no chromium binary (install Debian's chromium package)");
    }

    @AfterAll
    static void stop() {
        if (phone != null) {
            phone.close();
        }
    }

    @Test
    void aPhoneThatPrefersKoreanIsAnsweredInKoreanThroughout() throws Exception {
        walk(KOREAN, "010-1234-5678", false);
    }

    @Test
    void aPhoneThatPrefersEnglishIsAnsweredInEnglishThroughout() throws Exception {
        walk(ENGLISH, "+82 10 1234 5678", true);
    }

    @Test
    void theLinksLangTheLanguageOrderAndTheSwitchChooseTheLanguage() throws Exception {
        String page = SharedEnvironment.get().apiBaseUrl() + "/";
        try {
            phone.preferLanguages(ENGLISH.acceptLanguage(), ENGLISH.locale());
            open(page + "?lang=ko");
            phone.await(STATE, "invalid-link"::equals, Duration.ofSeconds(20), "the invalid-link message");
            assertEquals("m.invalid.none", phone.evaluate("document.getElementById('m-text').dataset.k").asText());
            shows(KOREAN, "a link with lang=ko on an English phone");

            open(page);
            phone.await(STATE, "invalid-link"::equals, Duration.ofSeconds(20), "the invalid-link message");
            shows(ENGLISH, "an English phone");

            phone.preferLanguages("ja-JP,ko,en", "ja-JP");
            open(page);
            shows(KOREAN, "a phone preferring Japanese, then Korean, then English");
            phone.preferLanguages("fr-FR,de", "fr-FR");
            open(page);
            shows(ENGLISH, "a phone speaking neither");

            // the switch: the page redraws in place in the other language, and the choice is kept on the phone
            assertEquals("한국어", phone.evaluate("document.getElementById('lang').textContent").asText());
            assertEquals("ko", phone.evaluate("document.getElementById('lang').lang").asText(), "the switch's own language");
            phone.evaluate("document.getElementById('lang').click()");
            shows(KOREAN, "after the switch");
            assertEquals("invalid-link", phone.evaluate(STATE).asText(), "the switch keeps the state");
            phone.screenshot(SHOTS.resolve("ko-switched-from-en.png"));
            open(page);
            shows(KOREAN, "the switch's choice after re-opening");
            phone.evaluate("document.getElementById('lang').click()");
            shows(ENGLISH, "switched back");
        } finally {
            phone.evaluate("localStorage.removeItem('holdfast.lang'), true");
        }
    }

    /**
     * Every state in one language. {@code alreadyUsed}: the signup goes out first from elsewhere with the
     * same turn, so the page's own send is answered {@code 409 ADMISSION_ALREADY_USED} and follows that signup.
     */
    private void walk(Phone p, String phoneNumber, boolean alreadyUsed) throws Exception {
        String l = p.lang();
        phone.preferLanguages(p.acceptLanguage(), p.locale());

        // a bad, an early and a late link
        Rollouts.Created errors = rollouts.create("waiting-page-errors-" + l, 1, null,
                new CohortSpec("early", Duration.ofHours(2), Duration.ofHours(3)),
                new CohortSpec("late", Duration.ofHours(-2), Duration.ofHours(-1)));
        String early = errors.link("early");
        String altered = early.substring(0, early.length() - 3) + (early.endsWith("AAA") ? "BBB" : "AAA");
        open(altered);
        assertEquals(p.acceptLanguage().split(",")[0], phone.evaluate("navigator.languages[0]").asText(), "the phone's languages");
        phone.await(STATE, "invalid-link"::equals, Duration.ofSeconds(20), "the invalid-link message");
        assertEquals("m.invalid.p", phone.evaluate("document.getElementById('m-text').dataset.k").asText());
        shows(p, "invalid link");
        shot(l, "error-invalid-link");

        open(early);
        phone.await(STATE, "not-open"::equals, Duration.ofSeconds(20), "the not-open-yet message");
        Instant opensAt = Rfc3339.parse(cohort(errors, "early").path("opensAt").asText());
        String opens = phone.evaluate("document.getElementById('n-opens').textContent").asText();
        assertEquals(PAGE.text(l, "n.opens", Map.of("when", when(l, opensAt))), opens, "the opening time, in Korea's time");
        if (l.equals("ko")) {
            assertTrue(opens.matches("(오늘|내일|\\d{1,2}월 \\d{1,2}일\\([일월화수목금토]\\)) (오전|오후) \\d{1,2}시( \\d{1,2}분)?부터 가입할 수 있어요\\."),
                    "e.g. 오늘 오후 2시 30분부터 …: " + opens);
            assertTrue(phone.evaluate("document.getElementById('n-countdown').textContent").asText().matches("약 (1|2)시간( \\d+분)? 후에 시작돼요\\."),
                    "the countdown in words");
        }
        shows(p, "not open");
        shot(l, "error-not-open");

        open(errors.link("late"));
        phone.await(STATE, "closed"::equals, Duration.ofSeconds(20), "the closed message");
        shows(p, "closed");
        shot(l, "error-closed");

        // waiting behind others, a moment without network, admitted, the form checked, signed up
        Rollouts.Created rollout = rollouts.create("waiting-page-" + l, 1, 600L,
                new CohortSpec("phones", Duration.ofSeconds(-1), Duration.ofMinutes(30)));
        String link = rollout.link("phones");
        for (int i = 0; i < 8; i++) { // people ahead, so the phone waits a few seconds at one admission per second
            assertEquals(201, rollouts.enter(link, "browser-ahead-" + l + "-" + i).status());
        }
        open(link);
        phone.await(STATE + " + ' ' + document.getElementById('w-ahead').dataset.k", "waiting w.count"::equals,
                Duration.ofSeconds(20), "the waiting state with people ahead");
        String ahead = phone.evaluate("document.getElementById('w-ahead').textContent").asText();
        assertTrue(ahead.matches(l.equals("ko") ? "[1-8]명" : "[1-8]"), "people ahead: " + ahead);
        assertTrue(phone.evaluate("document.getElementById('w-position').textContent").asText().matches(l.equals("ko") ? "\\d+번" : "#\\d+"));
        String eta = phone.evaluate("document.getElementById('w-eta').textContent").asText();
        assertTrue(List.of("eta.lt1", "eta.m1", "eta.m").stream().anyMatch(k -> PAGE.matches(l, k, eta)), "ETA in words: " + eta);
        shows(p, "waiting");
        shot(l, "1-waiting");
        zoomed(p, "waiting");

        phone.offline(true);
        try {
            String notice = phone.await("document.getElementById('notice').hidden ? '' : document.getElementById('notice').textContent",
                    s -> !s.isEmpty(), Duration.ofSeconds(15), "the retry notice while offline");
            String reason = PAGE.text(l, "retry.net", Map.of());
            assertTrue(notice.startsWith(reason + " ") && PAGE.matches(l, "again.poll", notice.substring(reason.length() + 1)),
                    "network lost, retrying: " + notice);
            shows(p, "retrying while offline");
            shot(l, "2-waiting-offline");
        } finally {
            phone.offline(false);
        }

        phone.await(STATE, "signup"::equals, Duration.ofSeconds(60), "admission and the signup form");
        shows(p, "signup form");
        shot(l, "3-signup-form");
        // an empty form is checked on the phone: every field flagged in the page's language, focus on the first, nothing sent
        assertEquals("f-name", phone.evaluate("document.getElementById('f-submit').click(), document.activeElement.id").asText());
        assertEquals(4, phone.evaluate("document.querySelectorAll('[aria-invalid=true]').length").asInt());
        assertEquals(List.of("e.name", "e.birthDate", "e.phone", "e.region"), errorKeys());
        shows(p, "signup form with errors");
        shot(l, "4-signup-errors");
        zoomed(p, "signup-errors");
        if (l.equals("ko")) { // the switch redraws the field errors in place, in English, and back
            try {
                phone.evaluate("document.getElementById('lang').click()");
                shows(ENGLISH, "the signup form's errors switched to English");
                assertEquals(List.of("e.name", "e.birthDate", "e.phone", "e.region"), errorKeys());
                shot("en", "switched-from-ko-signup-errors");
                phone.evaluate("document.getElementById('lang').click()");
                shows(KOREAN, "switched back to Korean");
            } finally {
                phone.evaluate("localStorage.removeItem('holdfast.lang'), true");
            }
        }
        // a date that doesn't exist and a number that isn't a mobile one
        fill(l.equals("ko") ? "김민준" : "Kim Min-jun", "19901330", "12345", "busan:haeundae-gu");
        phone.evaluate("document.getElementById('f-submit').click()");
        assertEquals(List.of("", "e.birthDate", "e.phone", ""), errorKeys());
        assertEquals("f-birthDate", phone.evaluate("document.activeElement.id").asText());
        assertEquals("signup", phone.evaluate(STATE).asText());
        phone.evaluate("""
                (function () {
                  var send = window.fetch;
                  window.sent = [];
                  window.fetch = function (url, init) { if (init && init.body) { window.sent.push(init.body); } return send.apply(this, arguments); };
                  return true;
                })()""");
        String mine = null;
        if (alreadyUsed) { // the same turn used first from another device
            JsonNode ticket = admitted();
            Api.Reply first = api.post("/signup", ticket.path("admissionToken").asText(),
                    Signing.body("Kim Min-jun", "1990-04-30", "+821012345678", "busan:haeundae-gu"));
            assertEquals(202, first.status(), first.raw());
            mine = first.json().path("signupId").asText();
        }
        fill(l.equals("ko") ? "김민준" : "Kim Min-jun", "19900430", phoneNumber, "busan:haeundae-gu");
        phone.evaluate("document.getElementById('f-submit').click()");
        String outcome = phone.await(STATE, Set.of("pending", "verified")::contains, Duration.ofSeconds(60), "the signup pending or verified");
        JsonNode sent = Json.parse(phone.evaluate("window.sent[window.sent.length - 1]").asText());
        assertEquals("1990-04-30", sent.path("birthDate").asText(), "19900430 sent as an ISO date");
        assertEquals("+821012345678", sent.path("phone").asText(), phoneNumber + " sent in E.164");
        assertEquals("busan:haeundae-gu", sent.path("region").asText(), "the district's stable id, in any language");
        shows(p, "signup " + outcome);
        shot(l, "5-signup-" + outcome);
        if (outcome.equals("pending")) {
            outcome = phone.await(STATE, Set.of("verified", "rejected")::contains, Duration.ofSeconds(60), "the signup verified");
            shows(p, "signup " + outcome);
            shot(l, "6-signup-" + outcome);
        }
        assertEquals("verified", outcome);
        assertFalse(phone.evaluate("document.getElementById('v-account').textContent").asText().isEmpty(), "account shown");
        if (mine != null) {
            assertEquals(mine, phone.evaluate("document.getElementById('p-id').textContent").asText(), "the page follows the signup its turn made");
        }

        // a turn that runs out before the form is sent: ADMISSION_EXPIRED, then the place expired
        Rollouts.Created shortTurn = rollouts.create("waiting-page-expiry-" + l, 100, 5L,
                new CohortSpec("phones", Duration.ofSeconds(-1), Duration.ofMinutes(30)));
        open(shortTurn.link("phones"));
        phone.await(STATE, "signup"::equals, Duration.ofSeconds(20), "the signup form");
        JsonNode turn = admitted();
        Instant expiresAt = Rfc3339.parse(turn.path("expiresAt").asText());
        assertEquals(PAGE.text(l, "f.until", Map.of("time", clock(l, expiresAt.atZone(SEOUL)))),
                phone.evaluate("document.getElementById('f-until').textContent").asText(), "sign up before, in Korea's time");
        fill(l.equals("ko") ? "김민준" : "Kim Min-jun", "1990-04-30", phoneNumber, "busan:suyeong-gu");
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiresAt).toMillis()) + 500);
        phone.evaluate("document.getElementById('f-submit').click()");
        phone.await(STATE, "admission-expired"::equals, Duration.ofSeconds(20), "the turn-ran-out message");
        shows(p, "admission expired");
        shot(l, "7-admission-expired");
        phone.evaluate("document.getElementById('m-action').click()");
        phone.await(STATE, "expired"::equals, Duration.ofSeconds(20), "the place-expired message");
        shows(p, "place expired");
        shot(l, "8-place-expired");

        assertEquals(List.of(), phone.console().stream().filter(s -> s.startsWith("exception")).toList());
    }

    /** Opens {@code url} afresh (a new page load, even when only the fragment would differ). */
    private static void open(String url) throws InterruptedException {
        phone.navigate("about:blank");
        phone.await("location.href", "about:blank"::equals, Duration.ofSeconds(10), "a blank page");
        phone.navigate(url);
        phone.await("document.readyState === 'complete' && location.href !== 'about:blank'", "true"::equals,
                Duration.ofSeconds(20), "the page loaded");
    }

    /**
     * What is on the screen now comes from {@code p}'s table: the page's {@code lang}, every visible element
     * drawn from a key reads that key's text, and no visible text has the other language's letters (only
     * the switch, marked with its own {@code lang}, the brand and ids marked {@code translate=no} may).
     */
    private static void shows(Phone p, String where) throws Exception {
        JsonNode seen = Json.parse(phone.evaluate("""
                (function () {
                  function visible(e) { return !e.closest('[hidden]') && e.getClientRects().length > 0; }
                  var page = document.documentElement.lang, keyed = [], texts = [];
                  document.querySelectorAll('[data-t],[data-k]').forEach(function (e) {
                    if (visible(e)) { keyed.push([e.getAttribute('data-k') || e.getAttribute('data-t'), e.textContent]); }
                  });
                  var walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT), n;
                  while ((n = walk.nextNode())) {
                    var e = n.parentElement, own = e.closest('[lang]');
                    if (!n.textContent.trim() || e.closest('script,[translate=no]') || (own && own.lang !== page) || !visible(e)) { continue; }
                    texts.push(n.textContent.trim());
                  }
                  return JSON.stringify({ lang: page, title: document.title, keyed: keyed, texts: texts });
                })()""").asText());
        String l = p.lang();
        assertEquals(l, seen.path("lang").asText(), where + ": <html lang>");
        assertEquals(PAGE.text(l, "title", Map.of()), seen.path("title").asText(), where + ": title");
        List<String> wrong = new ArrayList<>();
        for (JsonNode k : seen.path("keyed")) {
            if (!PAGE.matches(l, k.get(0).asText(), k.get(1).asText())) {
                wrong.add(k.get(0).asText() + " = " + k.get(1).asText());
            }
        }
        assertEquals(List.of(), wrong, where + ": texts not from the " + l + " table");
        assertTrue(seen.path("keyed").size() >= 3, where + ": texts found " + seen.path("keyed"));
        Pattern other = l.equals("ko") ? LATIN : HANGUL;
        List<String> stray = new ArrayList<>();
        seen.path("texts").forEach(t -> {
            if (other.matcher(t.asText()).find()) {
                stray.add(t.asText());
            }
        });
        assertEquals(List.of(), stray, where + ": the other language's letters on the " + l + " page");
    }

    /** The page at 200 % zoom on a 360 px-wide phone: nothing wider than the screen. */
    private static void zoomed(Phone p, String name) throws Exception {
        phone.viewport(ZOOMED_WIDTH, PHONE_HEIGHT / 2);
        try {
            phone.await("document.documentElement.clientWidth", String.valueOf(ZOOMED_WIDTH)::equals, Duration.ofSeconds(5), "the zoomed layout");
            JsonNode wide = phone.evaluate("""
                    Array.prototype.filter.call(document.querySelectorAll('body *'), function (e) {
                      var r = e.getBoundingClientRect();
                      return r.width > 0 && !e.closest('.sr') && (r.right > document.documentElement.clientWidth + 0.5 || r.left < -0.5);
                    }).map(function (e) { return e.tagName + '#' + e.id + '.' + e.className + ' ' + e.textContent.slice(0, 30); })""");
            assertEquals("[]", wide.toString(), name + " at 200 % zoom: elements wider than the screen");
            assertTrue(phone.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth").asBoolean(),
                    name + " at 200 % zoom scrolls sideways");
            shot(p.lang(), "zoom200-" + name);
        } finally {
            phone.viewport(PHONE_WIDTH, PHONE_HEIGHT);
        }
    }

    private static long started = System.nanoTime();

    private static void shot(String lang, String name) throws Exception {
        Path file = phone.screenshot(SHOTS.resolve(lang + "-" + name + ".png"));
        System.out.printf("waiting page: %s after %d ms%n", file, (System.nanoTime() - started) / 1_000_000);
    }

    private static void fill(String name, String birthDate, String phoneNumber, String region) {
        phone.evaluate("""
                (function () {
                  function set(id, v) { var e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true})); }
                  set('f-name', %s);
                  set('f-birthDate', %s);
                  set('f-phone', %s);
                  set('f-region', %s);
                  return true;
                })()""".formatted(js(name), js(birthDate), js(phoneNumber), js(region)));
    }

    private static String js(String s) {
        return Json.write(Json.MAPPER.valueToTree(s));
    }

    /** The key of each field's error, "" where none: name, birthDate, phone, region. */
    private static List<String> errorKeys() {
        List<String> keys = new ArrayList<>();
        phone.evaluate("['name', 'birthDate', 'phone', 'region'].map(function (f) { return document.getElementById('e-' + f).dataset.k || ''; })")
                .forEach(k -> keys.add(k.asText()));
        return keys;
    }

    /** The phone's ticket as the API shows it now (it is admitted). */
    private static JsonNode admitted() {
        String ticketId = phone.evaluate("""
                JSON.parse(localStorage.getItem(Object.keys(localStorage).filter(function (k) {
                  return k.indexOf('holdfast.ticket.' + new URLSearchParams(location.search).get('c')) === 0; })[0])).ticketId""").asText();
        JsonNode t = rollouts.ticket(ticketId).json();
        assertEquals("ADMITTED", t.path("status").asText(), t.toString());
        return t;
    }

    private static JsonNode cohort(Rollouts.Created r, String cohortId) {
        for (JsonNode c : r.body().path("cohorts")) {
            if (c.path("cohortId").asText().equals(cohortId)) {
                return c;
            }
        }
        throw new AssertionError("no cohort " + cohortId);
    }

    /** A time as the page words it: Korea's clock, today / tomorrow / a date. */
    static String when(String lang, Instant at) {
        ZonedDateTime z = at.atZone(SEOUL);
        LocalDate today = LocalDate.now(SEOUL);
        String day = z.toLocalDate().equals(today) ? PAGE.text(lang, "today", Map.of())
                : z.toLocalDate().equals(today.plusDays(1)) ? PAGE.text(lang, "tomorrow", Map.of())
                : PAGE.text(lang, "date", Map.of("mon", PAGE.text(lang, "months", Map.of()).split(",")[z.getMonthValue() - 1],
                        "d", String.valueOf(z.getDayOfMonth()), "wd", PAGE.text(lang, "wd", Map.of()).split(",")[z.getDayOfWeek().getValue() % 7]));
        return PAGE.text(lang, "when", Map.of("day", day, "time", clock(lang, z)));
    }

    static String clock(String lang, ZonedDateTime z) {
        int h = z.getHour();
        int m = z.getMinute();
        return PAGE.text(lang, m > 0 ? "time" : "time.hour", Map.of("ap", PAGE.text(lang, h < 12 ? "am" : "pm", Map.of()),
                "h", String.valueOf(h % 12 == 0 ? 12 : h % 12), "m", String.valueOf(m), "mm", String.format("%02d", m)));
    }
}
