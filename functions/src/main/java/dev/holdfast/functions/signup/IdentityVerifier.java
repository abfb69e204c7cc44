package dev.holdfast.functions.signup;

import dev.holdfast.domain.signup.Person;

import java.util.Objects;

/**
 * The identity-verification provider: an external, capacity-limited system. Holdfast names each
 * verification by its signup id, on every attempt, so the provider can answer a retry from its book
 * instead of verifying (and billing) twice.
 */
public interface IdentityVerifier {

    /** A definite answer. */
    record Verdict(boolean verified, String reason) {
        public static final Verdict VERIFIED = new Verdict(true, null);

        public static Verdict rejected(String reason) {
            return new Verdict(false, Objects.requireNonNull(reason));
        }
    }

    /**
     * No definite answer: an outage, a timeout, throttling (429), a 5xx or an unreadable answer. The
     * signup stays PENDING and is tried again later.
     */
    final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Verifies {@code person} under {@code signupId}.
     *
     * @return VERIFIED, or rejected with the provider's reason
     * @throws Unavailable no definite answer came back
     */
    Verdict verify(String signupId, Person person);
}
