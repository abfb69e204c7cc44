package dev.holdfast.local.pages;

import dev.holdfast.local.LocalHoldfast;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Chromium;
import dev.holdfast.local.testing.Markets;
import dev.holdfast.local.testing.SharedEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The market page in headless Chromium against the real local environment: a price published
 * through the real feed queue appears on the page, a suspension greys the market at once, and after
 * the connection drops the page reconnects and resumes, catching the change it missed. Skipped where
 * no Chromium is installed.
 */
class MarketPageBrowserTest {
    static final Path SHOTS = Path.of("target", "market-page");
    static Chromium phone;
    static LocalHoldfast env;
    static Markets markets;

    @BeforeAll
    static void start() throws Exception {
        if (Chromium.binary().isEmpty()) {
            return;
        }
        env = SharedEnvironment.get();
        markets = new Markets(env);
        phone = Chromium.phone(Chromium.binary().get(), 390, 844);
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

    private static String row(String id, String what) {
        return "(function () { var e = document.getElementById('m-" + id + "'); return e ? " + what + " : ''; })()";
    }

    @Test
    void aFeedPriceAppearsASuspensionGreysItAndAReconnectResumes() throws Exception {
        String pm = Markets.newProviderMarketId();
        String id = markets.market(pm).path("marketId").asText();
        markets.send(pm, 1, "0.5", "0.3", "0.2");
        markets.await(id, m -> m.path("price").path("priceVersion").asLong() == 1);
        assertEquals(200, markets.api().post("/admin/markets/" + id + "/state", markets.admin(), "{\"state\":\"OPEN\"}").status());
        String token = new Api(env.apiBaseUrl()).token("page-" + UUID.randomUUID());

        phone.navigate(env.apiBaseUrl() + "/market.html?token=" + token + "&ws=" + env.websocket().url() + "&markets=" + id);
        phone.await("document.body.dataset.state", "live"::equals, Duration.ofSeconds(20), "the page live");
        phone.await(row(id, "e.dataset.state + ' ' + e.dataset.priceVersion"), "OPEN 1"::equals, Duration.ofSeconds(20),
                "the market open at version 1");

        // a price through the real feed queue appears
        markets.send(pm, 2, "0.4", "0.4", "0.2");
        phone.await(row(id, "e.dataset.priceVersion"), "2"::equals, Duration.ofSeconds(20), "version 2 on the page");
        JsonNode market = markets.get(id);
        String homeOdds = market.path("price").path("odds").path(Markets.selectionIds(market).get(0)).asText();
        assertEquals(homeOdds, phone.evaluate(row(id, "e.querySelector('button').textContent")).asText());
        phone.screenshot(SHOTS.resolve("1-live.png"));

        // a suspension greys it at once, and its buttons are off
        assertEquals(200, markets.api().post("/admin/markets/" + id + "/state", markets.admin(),
                "{\"state\":\"SUSPENDED\",\"reason\":\"var check\"}").status());
        phone.await(row(id, "e.dataset.state + ' ' + e.classList.contains('suspended')"), "SUSPENDED true"::equals,
                Duration.ofSeconds(20), "the market greyed");
        assertTrue(phone.evaluate(row(id, "e.querySelector('button').disabled")).asBoolean());
        phone.screenshot(SHOTS.resolve("2-suspended.png"));

        // the connection drops; a change lands meanwhile; the page reconnects and resumes it
        phone.evaluate("window.__live.onclose = null, window.__live.socket.close(), true");
        assertEquals(200, markets.api().post("/admin/markets/" + id + "/state", markets.admin(), "{\"state\":\"OPEN\"}").status());
        phone.await("String(window.__live.connects)", "2"::equals, Duration.ofSeconds(20), "a second connection");
        phone.await(row(id, "e.dataset.state + ' ' + e.classList.contains('suspended')"), "OPEN false"::equals,
                Duration.ofSeconds(20), "the reopening caught up after the reconnect");
        phone.screenshot(SHOTS.resolve("3-resumed.png"));
    }
}
