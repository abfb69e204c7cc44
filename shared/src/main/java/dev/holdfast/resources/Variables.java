package dev.holdfast.resources;

/**
 * Names of the environment variables functions read, beside the stage's
 * ({@link Naming#STAGE_VARIABLE}): one definition for the handlers that read them and the local
 * environment that sets them.
 */
public final class Variables {
    private Variables() {}

    /** The withdrawal worker's bank transfer endpoint. */
    public static final String BANK_URL = "BANK_URL";
    /** The withdrawal worker's timeout for one bank call, in milliseconds. */
    public static final String BANK_TIMEOUT_MS = "BANK_TIMEOUT_MS";
    /** How long a withdrawal attempt holds its lease, in milliseconds. */
    public static final String WITHDRAWAL_ATTEMPT_LEASE_MS = "WITHDRAWAL_ATTEMPT_LEASE_MS";
    /** The signup worker's identity verifier endpoint. */
    public static final String VERIFIER_URL = "VERIFIER_URL";
    /** The signup worker's timeout for one verifier call, in milliseconds. */
    public static final String VERIFIER_TIMEOUT_MS = "VERIFIER_TIMEOUT_MS";
    /** The waiting room's signing secret itself (local environment and tests). */
    public static final String SIGNING_SECRET = "SIGNING_SECRET";
    /** How much slower than AWS the world runs (AWS-faithful local mode): the functions' time windows stretch by it. */
    public static final String TIME_DILATION = "HOLDFAST_TIME_DILATION";
    /** The change freeze's lead time before a known surge, in whole minutes ({@code off}: no freeze). */
    public static final String FREEZE_LEAD = "HOLDFAST_FREEZE_LEAD_MINUTES";
}
