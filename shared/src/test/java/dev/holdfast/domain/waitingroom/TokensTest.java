package dev.holdfast.domain.waitingroom;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokensTest {
    static final byte[] KEY = "a-test-signing-secret-of-enough-bytes-0123456789".getBytes(StandardCharsets.UTF_8);
    static final byte[] OTHER = "another-signing-secret-of-enough-bytes-98765432".getBytes(StandardCharsets.UTF_8);
    static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

    @Test
    void admissionTokensVerifyUntilTheyExpire() {
        AdmissionToken t = new AdmissionToken("t-abc", "r-1", "c-1", T0, T0.plusSeconds(600));
        String jwt = t.sign(KEY);
        assertEquals(t, AdmissionToken.verify(jwt, KEY, T0.plusSeconds(599)));
        assertEquals(AdmissionToken.Refusal.EXPIRED,
                assertThrows(AdmissionToken.Refused.class, () -> AdmissionToken.verify(jwt, KEY, T0.plusSeconds(600))).refusal());
        assertEquals(AdmissionToken.Refusal.INVALID,
                assertThrows(AdmissionToken.Refused.class, () -> AdmissionToken.verify(jwt, OTHER, T0)).refusal());
    }

    @Test
    void alteredOrForeignTokensAreInvalid() {
        String jwt = new AdmissionToken("t-abc", "r-1", "c-1", T0, T0.plusSeconds(600)).sign(KEY);
        String[] parts = jwt.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("t-abc", "t-xyz");
        String altered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + ".";
        for (String bad : new String[] {altered, none, "", "a.b", "a.b.c", jwt + "x"}) {
            assertEquals(AdmissionToken.Refusal.INVALID,
                    assertThrows(AdmissionToken.Refused.class, () -> AdmissionToken.verify(bad, KEY, T0)).refusal(), bad);
        }
        String cohortToken = new CohortLink("r-1", "c-1").token(KEY);
        assertThrows(AdmissionToken.Refused.class, () -> AdmissionToken.verify(cohortToken, KEY, T0), "a link is no admission");
    }

    @Test
    void cohortLinksCarryTheirCohortAndNothingElse() {
        CohortLink c = new CohortLink("r-1", "c-1");
        String link = c.link("https://wait.example/", KEY);
        assertTrue(link.startsWith("https://wait.example/?c="));
        assertEquals(c, CohortLink.verify(link, KEY).orElseThrow());
        assertEquals(c, CohortLink.verify(c.token(KEY), KEY).orElseThrow());
        assertTrue(CohortLink.verify(link, OTHER).isEmpty());
        assertTrue(CohortLink.verify(link.replace("c=", "c=x"), KEY).isEmpty());
        String admission = new AdmissionToken("t", "r-1", "c-1", T0, T0.plusSeconds(1)).sign(KEY);
        assertTrue(CohortLink.verify(admission, KEY).isEmpty(), "an admission is no link");
        assertTrue(CohortLink.verify(null, KEY).isEmpty());
    }
}
