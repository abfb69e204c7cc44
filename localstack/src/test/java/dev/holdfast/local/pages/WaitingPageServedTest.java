package dev.holdfast.local.pages;

import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.SharedEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local environment serves the waiting page at {@code /} and {@code /index.html} (as CloudFront
 * does in AWS), with or without a query, and leaves every API route as it was.
 */
class WaitingPageServedTest {
    static Api api;
    static String page;

    @BeforeAll
    static void start() throws IOException {
        api = new Api(SharedEnvironment.get().apiBaseUrl());
        try (InputStream in = WaitingPageServedTest.class.getClassLoader().getResourceAsStream("web/index.html")) {
            assertNotNull(in, "web/index.html is on the classpath");
            page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void servesThePageAtTheRootAndAsIndexHtmlWithAnyQuery() {
        for (String path : new String[] {"/", "/index.html", "/?c=eyJhbGciOiJIUzI1NiJ9.e30.sig", "/index.html?c=abc&x=%20y"}) {
            Api.Reply r = api.get(path, null);
            assertEquals(200, r.status(), path);
            assertEquals("text/html; charset=utf-8", r.header("Content-Type"), path);
            assertNotNull(r.header("X-Request-Id"), path);
            assertEquals(page, r.raw(), path);
        }
    }

    @Test
    void apiRoutesAreUntouched() {
        Api.Reply status = api.get("/status", null);
        assertEquals(200, status.status());
        assertTrue(status.header("Content-Type").startsWith("application/json"));

        Api.Reply post = api.post("/", null, "{}");
        assertEquals(404, post.status());
        assertEquals("NOT_FOUND", post.code());

        Api.Reply other = api.get("/index.htm", null);
        assertEquals(404, other.status());
        assertEquals("NOT_FOUND", other.code());
    }

    @Test
    void pageIsOneSmallSelfContainedFile() {
        assertTrue(page.getBytes(StandardCharsets.UTF_8).length < 40 * 1024, "under 40 KB");
        // no external fetches: no absolute URLs, no external scripts, styles, fonts or images
        Matcher url = Pattern.compile("(?i)(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}").matcher(page);
        assertFalse(url.find(), () -> "external URL in the page: " + url.group());
        assertFalse(page.contains("<script src"), "scripts are inline");
        assertFalse(page.contains("<link"), "styles are inline");
        assertTrue(page.contains("connect-src 'self'"), "the page may only call its own origin");
        assertTrue(page.contains("name=\"viewport\""), "phone-first");
        for (String call : new String[] {"/waiting-room/enter", "/waiting-room/tickets/", "'/signup'", "/signup/"}) {
            assertTrue(page.contains(call), call);
        }
        for (String code : new String[] {"INVALID_LINK", "COHORT_NOT_OPEN", "COHORT_CLOSED", "ADMISSION_ALREADY_USED",
                "ADMISSION_EXPIRED", "Retry-After"}) {
            assertTrue(page.contains(code), code);
        }
    }
}
