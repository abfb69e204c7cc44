package dev.holdfast.local.signup;

import dev.holdfast.local.LocalHoldfast;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.local.testing.Api;
import dev.holdfast.local.testing.SharedEnvironment;
import dev.holdfast.local.testing.Signing;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14 #8: a verified person gets exactly one account. A second signup of the same name, birth
 * date and phone (however spelled: case, spaces, full-width letters, a leading '+') through another
 * admission on another device ends {@code REJECTED DUPLICATE_PERSON} without an account, and of one
 * person's racing signups exactly one wins.
 */
class OnePersonOneAccountTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final LocalHoldfast env = SharedEnvironment.get();
    static final Api api = new Api(env.apiBaseUrl());
    static final Signing signing = new Signing(env, api);

    private static String signUp(String name, String birthDate, String phone) {
        Api.Reply r = signing.signup(signing.admission("r-" + UUID.randomUUID(), "c1"), Signing.body(name, birthDate, phone, "Seoul"));
        assertEquals(202, r.status(), r.raw());
        return r.json().path("signupId").asText();
    }

    @Test
    void theSamePersonTwiceGetsOneAccount() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String first = signUp("Han Seo-yeon " + tag, "1991-02-03", "+821055501234");
        JsonNode one = signing.awaitFinished(first, WAIT);
        assertEquals("VERIFIED", one.path("status").asText(), one.toString());

        for (String[] again : List.of(new String[]{"Han Seo-yeon " + tag, "+821055501234"},
                new String[]{"han seoyeon " + tag.toUpperCase(), "821055501234"},
                new String[]{"  HAN  SEO YEON   " + tag, "+821055501234"},
                new String[]{"ＨＡＮ ＳＥＯ-ＹＥＯＮ " + tag, "+821055501234"})) {
            String id = signUp(again[0], "1991-02-03", again[1]);
            JsonNode v = signing.awaitFinished(id, WAIT);
            assertEquals("REJECTED", v.path("status").asText(), again[0] + " " + v);
            assertEquals("DUPLICATE_PERSON", v.path("rejectionReason").asText(), v.toString());
            assertTrue(v.path("accountId").isMissingNode(), "no second account: " + v);
            assertEquals(0, signing.account(dev.holdfast.domain.signup.SignupIds.accountId(id)).revision(), "never opened");
        }
        // another birth date or phone is another person
        assertEquals("VERIFIED", signing.awaitFinished(signUp("Han Seo-yeon " + tag, "1991-02-04", "+821055501234"), WAIT)
                .path("status").asText());
        assertEquals("VERIFIED", signing.awaitFinished(signUp("Han Seo-yeon " + tag, "1991-02-03", "+821055509999"), WAIT)
                .path("status").asText());
    }

    @Test
    void racingSignupsOfOnePersonCannotBothWin() throws Exception {
        String name = "Race Person " + UUID.randomUUID().toString().substring(0, 8);
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<String> ids = new ArrayList<>();
        try {
            List<Callable<String>> calls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                calls.add(() -> signUp(name, "1988-08-08", "+821077700000"));
            }
            for (Future<String> f : pool.invokeAll(calls)) {
                ids.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        int verified = 0;
        int duplicate = 0;
        for (String id : ids) {
            JsonNode v = signing.awaitFinished(id, WAIT);
            if (v.path("status").asText().equals("VERIFIED")) {
                verified++;
            } else if (v.path("rejectionReason").asText().equals("DUPLICATE_PERSON")) {
                duplicate++;
            }
        }
        assertEquals(1, verified, "exactly one account for one person");
        assertEquals(9, duplicate);
    }
}
