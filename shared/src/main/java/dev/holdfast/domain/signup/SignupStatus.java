package dev.holdfast.domain.signup;

/** Where a signup is: it moves once, from PENDING to VERIFIED or REJECTED, and never back. */
public enum SignupStatus {
    /** Queued for identity verification (also while the verifier is down or throttling). */
    PENDING,
    /** Verified: its account exists, with an empty wallet. */
    VERIFIED,
    /** The verifier refused the identity ({@code rejectionReason}); no account. */
    REJECTED
}
