package dev.holdfast.local;

import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Chromium;
import dev.holdfast.local.testing.Rollouts;
import dev.holdfast.local.testing.Rollouts.CohortSpec;
import dev.holdfast.local.testing.SharedEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The waiting page end to end in headless Chromium on a phone-sized screen, against the real local
 * environment: a cohort link opened on the phone enters the room, waits (position, people ahead, ETA),
 * is admitted, fills in the signup form and sees its signup pending or verified. Screenshots of each
 * step land in {@code localstack/target/waiting-page/}. Skipped where no Chromium is installed.
 */
class WaitingPageBrowserTest {
    static final Path SHOTS = Path.of("target", "waiting-page");
    static final String STATE = "document.body.dataset.state";
    static final int PHONE_WIDTH = 390;
    static final int PHONE_HEIGHT = 844;

    static Rollouts rollouts;
    static Chromium phone;

    @BeforeAll
    static void start() throws Exception {
        if (Chromium.binary().isEmpty()) {
            return; // each test reports itself skipped
        }
        rollouts = new Rollouts(new Api(SharedEnvironment.get().apiBaseUrl()));
        phone = Chromium.phone(Chromium.binary().get(), PHONE_WIDTH, PHONE_HEIGHT);
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
    void aPhoneOpensItsCohortLinkWaitsIsAdmittedAndSignsUp() throws Exception {
        Rollouts.Created rollout = rollouts.create("waiting-page", 1, 600L,
                new CohortSpec("phones", Duration.ofSeconds(-1), Duration.ofMinutes(30)));
        String link = rollout.link("phones");
        for (int i = 0; i < 6; i++) { // people ahead, so the phone waits a few seconds at one admission per second
            assertEquals(201, rollouts.enter(link, "browser-ahead-" + i).status());
        }

        phone.navigate(link);
        String waiting = phone.await(STATE + " + ' ' + document.getElementById('w-ahead').textContent",
                v -> v.matches("waiting [1-9][0-9]*"), Duration.ofSeconds(20), "the waiting state with people ahead");
        String ahead = waiting.substring("waiting ".length());
        String position = phone.evaluate("document.getElementById('w-position').textContent").asText();
        String eta = phone.evaluate("document.getElementById('w-eta').textContent").asText();
        assertTrue(Integer.parseInt(ahead) <= 6, "at most the 6 who entered first are ahead: " + ahead);
        assertTrue(position.matches("#[0-9,]+"), "position shown: " + position);
        assertTrue(eta.matches("under a minute|about .+"), "ETA in words: " + eta);
        phone.screenshot(SHOTS.resolve("1-waiting.png"));
        String deviceId = phone.evaluate("localStorage.getItem('holdfast.deviceId')").asText();
        assertTrue(deviceId.matches("[0-9a-f]{32}"), "a 128-bit device id kept on the device: " + deviceId);
        assertTrue(phone.evaluate("Object.keys(localStorage).some(function (k) { return k.indexOf('holdfast.ticket.') === 0; })")
                .asBoolean(), "the ticket is kept on the device");

        phone.await(STATE, "signup"::equals, Duration.ofSeconds(60), "admission and the signup form");
        phone.screenshot(SHOTS.resolve("2-signup-form.png"));
        // an empty form is checked on the phone: every field flagged, focus on the first, nothing sent
        assertEquals("f-name", phone.evaluate("document.getElementById('f-submit').click(), document.activeElement.id").asText());
        assertEquals(4, phone.evaluate("document.querySelectorAll('input[aria-invalid=true]').length").asInt());
        assertEquals("signup", phone.evaluate(STATE).asText());
        phone.evaluate("""
                (function () {
                  function set(id, v) { var e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event('input', {bubbles: true})); }
                  set('f-name', 'Kim Min-jun');
                  set('f-birthDate', '1990-04-01');
                  set('f-phone', '+821012345678');
                  set('f-region', 'Seoul');
                  document.getElementById('f-submit').click();
                  return true;
                })()""");
        String outcome = phone.await(STATE, Set.of("pending", "verified")::contains, Duration.ofSeconds(60),
                "the signup pending or verified");
        phone.screenshot(SHOTS.resolve("3-signup-" + outcome + ".png"));
        if (outcome.equals("pending")) {
            outcome = phone.await(STATE, Set.of("verified", "rejected")::contains, Duration.ofSeconds(60),
                    "the signup verified");
            phone.screenshot(SHOTS.resolve("4-signup-" + outcome + ".png"));
        }
        assertEquals("verified", outcome);
        assertTrue(phone.evaluate("document.getElementById('v-account').textContent").asText().length() > 0, "account shown");

        // re-opening the link on the same phone finds the same ticket and its signup, not a new place
        phone.navigate(link);
        phone.await(STATE, "verified"::equals, Duration.ofSeconds(20), "the same signup after re-opening the link");
        assertEquals(Set.of(), Set.copyOf(phone.console().stream().filter(l -> l.startsWith("exception")).toList()));
    }

    @Test
    void aBadEarlyOrLateLinkSaysSoClearly() throws Exception {
        Rollouts.Created rollout = rollouts.create("waiting-page-errors", 1, null,
                new CohortSpec("early", Duration.ofHours(2), Duration.ofHours(3)),
                new CohortSpec("late", Duration.ofHours(-2), Duration.ofHours(-1)));
        String early = rollout.link("early");
        String altered = early.substring(0, early.length() - 3) + (early.endsWith("AAA") ? "BBB" : "AAA");

        phone.navigate(altered);
        phone.await(STATE, "invalid-link"::equals, Duration.ofSeconds(20), "the invalid-link message");
        phone.screenshot(SHOTS.resolve("error-invalid-link.png"));

        phone.navigate(early);
        phone.await(STATE, "not-open"::equals, Duration.ofSeconds(20), "the not-open-yet message");
        String opens = phone.evaluate("document.getElementById('n-opens').textContent").asText();
        assertTrue(opens.matches(".*\\d.*"), "the opening time is shown: " + opens);
        phone.screenshot(SHOTS.resolve("error-not-open.png"));

        phone.navigate(rollout.link("late"));
        phone.await(STATE, "closed"::equals, Duration.ofSeconds(20), "the closed message");
        phone.screenshot(SHOTS.resolve("error-closed.png"));
    }
}
