package dev.holdfast.domain.signup;

import java.time.Instant;
import java.util.Objects;

/**
 * One signup: made once per admission (the ticket it was admitted on), verified once, and at most
 * one account.
 *
 * @param person          who signs up; null once the verification is over (not kept longer than needed)
 * @param fingerprint     {@link Person#fingerprint()} of the submitted person (kept for replays)
 * @param accountId       the account opened for it (VERIFIED only)
 * @param rejectionReason why the verifier refused it (REJECTED only)
 * @param finishedAt      when it left PENDING
 */
public record Signup(String signupId, String ticketId, String rolloutId, String cohortId, Person person,
                     String region, String fingerprint, SignupStatus status, String accountId,
                     String rejectionReason, Instant createdAt, Instant finishedAt) {
    public Signup {
        Objects.requireNonNull(signupId);
        Objects.requireNonNull(ticketId);
        Objects.requireNonNull(rolloutId);
        Objects.requireNonNull(cohortId);
        Objects.requireNonNull(fingerprint);
        Objects.requireNonNull(status);
        Objects.requireNonNull(createdAt);
    }

    /** A new PENDING signup of {@code person}, admitted on {@code ticketId} of a rollout's cohort. */
    public static Signup pending(String signupId, String ticketId, String rolloutId, String cohortId, Person person,
                                 Instant createdAt) {
        return new Signup(signupId, ticketId, rolloutId, cohortId, person, person.region(), person.fingerprint(),
                SignupStatus.PENDING, null, null, createdAt, null);
    }

    /** The account a verified signup opens: always the same for one signup (see {@link SignupIds#accountId}). */
    public String accountToOpen() {
        return SignupIds.accountId(signupId);
    }
}
