package dev.holdfast.local.hygiene;

import dev.holdfast.local.LocalHoldfast;

import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.Rollouts;
import dev.holdfast.local.testing.Rollouts.CohortSpec;
import dev.holdfast.local.testing.SharedEnvironment;
import dev.holdfast.local.testing.Signing;
import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14 #11: only the canonical base64url spelling of every segment of every token kind
 * verifies. A last character that differs only in its unused bits, or padding, decodes to the same
 * bytes; each such twin of a cohort link, an admission token, a user token (local authorizer) and a
 * paging cursor is refused, while the original still works.
 */
class CanonicalTokensTest {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /** Every other spelling of {@code segment} that a lenient decoder reads as the same bytes. */
    static List<String> twins(String segment) {
        List<String> out = new ArrayList<>();
        byte[] bytes = Base64.getUrlDecoder().decode(segment);
        int unusedBits = (segment.length() * 6) % 8;
        int v = ALPHABET.indexOf(segment.charAt(segment.length() - 1));
        for (int mask = 1; mask < (1 << unusedBits); mask++) {
            String twin = segment.substring(0, segment.length() - 1) + ALPHABET.charAt(v ^ mask);
            if (Arrays.equals(bytes, Base64.getUrlDecoder().decode(twin))) {
                out.add(twin);
            }
        }
        if (segment.length() % 4 != 0) {
            out.add(segment + "=".repeat(4 - segment.length() % 4)); // padded
        }
        return out;
    }

    /** Each token that differs from {@code token} only in one segment's spelling. */
    static List<String> tokenTwins(String token) {
        String[] parts = token.split("\\.", -1);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            for (String twin : twins(parts[i])) {
                String[] copy = parts.clone();
                copy[i] = twin;
                out.add(String.join(".", copy));
            }
        }
        return out;
    }

    private static void refusesEveryTwin(String kind, String token, Function<String, Api.Reply> call,
                                         int status, String code, List<String> failures) {
        List<String> twins = tokenTwins(token);
        assertTrue(twins.size() >= 2, kind + " has malleable spellings to try: " + twins.size());
        for (String twin : twins) {
            Api.Reply r = call.apply(twin);
            if (r.status() != status || !code.equals(r.code())) {
                failures.add(kind + " twin " + twin.substring(Math.max(0, twin.length() - 6)) + " -> " + r.status() + " " + r.raw());
            }
        }
    }

    @Test
    void onlyTheCanonicalSpellingOfEveryTokenKindVerifies() {
        LocalHoldfast env = SharedEnvironment.get();
        Api api = new Api(env.apiBaseUrl());
        Rollouts rollouts = new Rollouts(api);
        List<String> failures = new ArrayList<>();

        // cohort links
        Rollouts.Created c = rollouts.create("canonical", 5, null,
                new CohortSpec("a", Duration.ofSeconds(-1), Duration.ofMinutes(30)));
        String link = c.link("a");
        String token = URLDecoder.decode(link.substring(link.indexOf("c=") + 2), StandardCharsets.UTF_8);
        int[] device = {0};
        refusesEveryTwin("cohort link", token,
                t -> rollouts.enter(link.substring(0, link.indexOf("c=") + 2) + t, "canonical-device-" + device[0]++),
                403, "INVALID_LINK", failures);
        refusesEveryTwin("bare cohort token", token, t -> rollouts.enter(t, "canonical-device-" + device[0]++),
                403, "INVALID_LINK", failures);
        assertEquals(201, rollouts.enter(link, "canonical-device-ok").status(), "the canonical link enters");

        // admission tokens (checked by the signup function)
        Signing signing = new Signing(env, api);
        String admission = signing.admission(c.rolloutId(), "a");
        refusesEveryTwin("admission token", admission, t -> signing.signup(t, Signing.body("Canon Person")),
                401, "UNAUTHENTICATED", failures);

        // user tokens (the local JWT authorizer)
        String user = api.token("canonical-user");
        refusesEveryTwin("user token", user, t -> api.get("/wallet", t), 401, "UNAUTHENTICATED", failures);
        assertEquals(200, api.get("/wallet", user).status(), "the canonical user token verifies");
        String admin = api.token("canonical-admin", "admin");
        refusesEveryTwin("admin token", admin, t -> api.get("/admin/audit?limit=1", t), 401, "UNAUTHENTICATED", failures);

        // paging cursors: one cursor, one spelling
        Api.Reply page = api.get("/admin/audit?limit=1", admin);
        String cursor = page.json().path("nextCursor").asText();
        assertTrue(!cursor.isEmpty() && !cursor.equals("null"), page.raw());
        for (String twin : twins(cursor)) {
            Api.Reply r = api.get("/admin/audit?limit=1&cursor=" + java.net.URLEncoder.encode(twin, StandardCharsets.UTF_8), admin);
            if (r.status() != 400 || !"cursor".equals(r.json().path("error").path("details").path("field").asText())) {
                failures.add("cursor twin -> " + r.status() + " " + r.raw());
            }
        }
        assertEquals(200, api.get("/admin/audit?limit=1&cursor=" + cursor, admin).status());
        assertEquals(List.of(), failures);
    }
}
