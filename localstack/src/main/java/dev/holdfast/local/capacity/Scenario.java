package dev.holdfast.local.capacity;

/**
 * One rollout to size: who arrives when, how fast the verifier is, how the deployment is set up.
 *
 * @param members                 people invited in total
 * @param cohorts                 cohorts they are split into (sizes differ by at most one)
 * @param cohortGapSeconds        time between two cohorts' opening times
 * @param arrivalSeconds          a cohort's members arrive evenly over this long after it opens
 * @param verificationsPerSecond  the identity verifier's quota; admission is paced to it
 * @param signupShare             share of admitted people who submit the signup form (0..1)
 * @param polling                 how often waiting pages poll their ticket
 * @param signupPollSeconds       how often the page polls {@code GET /signup/{id}} while pending
 * @param apiMillis               time an API invocation spends (warm), for Lambda concurrency
 * @param workerMillis            time the worker spends per signup, the verifier call included
 * @param sqsHighThroughput       whether the signups queue runs in FIFO high-throughput mode
 */
public record Scenario(long members, int cohorts, long cohortGapSeconds, long arrivalSeconds,
                       double verificationsPerSecond, double signupShare, Polling polling,
                       double signupPollSeconds, double apiMillis, double workerMillis, boolean sqsHighThroughput) {

    public Scenario {
        if (members < 1 || cohorts < 1 || cohorts > members || cohortGapSeconds < 0 || arrivalSeconds < 1
                || !(verificationsPerSecond > 0) || !(signupShare > 0 && signupShare <= 1) || polling == null
                || !(signupPollSeconds > 0) || !(apiMillis > 0) || !(workerMillis > 0)) {
            throw new IllegalArgumentException("impossible scenario: " + this);
        }
    }

    /** The city's surge: 900,000 members in 10 cohorts opened 15 minutes apart. */
    public static Scenario cityDefaults() {
        return new Scenario(900_000, 10, 15 * 60, 300, 100, 1.0, Polling.design(), 3, 20, 1_000, false);
    }

    public Scenario withMembers(long n) {
        return new Scenario(n, cohorts, cohortGapSeconds, arrivalSeconds, verificationsPerSecond, signupShare, polling,
                signupPollSeconds, apiMillis, workerMillis, sqsHighThroughput);
    }

    /** Members of cohort {@code k} (0-based): the remainder goes to the first cohorts. */
    public long cohortSize(int k) {
        return members / cohorts + (k < members % cohorts ? 1 : 0);
    }
}
