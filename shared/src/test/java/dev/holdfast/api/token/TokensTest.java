package dev.holdfast.api.token;

import dev.holdfast.domain.waitingroom.AdmissionToken;
import dev.holdfast.domain.waitingroom.CohortLink;

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
        String jwt = AdmissionTokens.sign(t, KEY);
        assertEquals(t, AdmissionTokens.verify(jwt, KEY, T0.plusSeconds(599)));
        assertEquals(AdmissionToken.Refusal.EXPIRED,
                assertThrows(AdmissionToken.Refused.class, () -> AdmissionTokens.verify(jwt, KEY, T0.plusSeconds(600))).refusal());
        assertEquals(AdmissionToken.Refusal.INVALID,
                assertThrows(AdmissionToken.Refused.class, () -> AdmissionTokens.verify(jwt, OTHER, T0)).refusal());
    }

    @Test
    void alteredOrForeignTokensAreInvalid() {
        String jwt = AdmissionTokens.sign(new AdmissionToken("t-abc", "r-1", "c-1", T0, T0.plusSeconds(600)), KEY);
        String[] parts = jwt.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("t-abc", "t-xyz");
        String altered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + ".";
        for (String bad : new String[] {altered, none, "", "a.b", "a.b.c", jwt + "x"}) {
            assertEquals(AdmissionToken.Refusal.INVALID,
                    assertThrows(AdmissionToken.Refused.class, () -> AdmissionTokens.verify(bad, KEY, T0)).refusal(), bad);
        }
        String cohortToken = CohortLinks.token(new CohortLink("r-1", "c-1"), KEY);
        assertThrows(AdmissionToken.Refused.class, () -> AdmissionTokens.verify(cohortToken, KEY, T0), "a link is no admission");
    }

    @Test
    void cohortLinksCarryTheirCohortAndNothingElse() {
        CohortLink c = new CohortLink("r-1", "c-1");
        String link = CohortLinks.link(c, "https://wait.example/", KEY);
        assertTrue(link.startsWith("https://wait.example/?c="));
        assertEquals(c, CohortLinks.verify(link, KEY).orElseThrow());
        assertEquals(c, CohortLinks.verify(CohortLinks.token(c, KEY), KEY).orElseThrow());
        assertTrue(CohortLinks.verify(link, OTHER).isEmpty());
        assertTrue(CohortLinks.verify(link.replace("c=", "c=x"), KEY).isEmpty());
        String admission = AdmissionTokens.sign(new AdmissionToken("t", "r-1", "c-1", T0, T0.plusSeconds(1)), KEY);
        assertTrue(CohortLinks.verify(admission, KEY).isEmpty(), "an admission is no link");
        assertTrue(CohortLinks.verify(null, KEY).isEmpty());
    }
}
