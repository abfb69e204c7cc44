package dev.holdfast.local.capacity;

import java.util.List;

/**
 * What a rollout does to the deployment, second by second, summarised: the peaks, the limits it
 * crosses (earliest first), and when the last member is signed up.
 *
 * @param finishSeconds       from the first opening until every member who signs up is verified
 * @param lastOpeningSeconds  when the last cohort opens
 * @param admissionPace       admissions per second (the sustained signup rate and its binding limit)
 * @param peakEnters          enters per second
 * @param peakWaiting         people waiting at once
 * @param peakPolls           ticket polls per second
 * @param peakApiRps          API Gateway requests per second, all routes
 * @param peakWcu             DynamoDB write units per second
 * @param peakRcu             DynamoDB read units per second
 * @param peakConcurrency     Lambda concurrent executions
 * @param peakSqsSends        SQS {@code SendMessage} calls per second on the signups queue
 * @param peakStripeWcu       write units per second on the busiest position stripe
 * @param peakSignupBacklog   signups queued for the verifier at once
 * @param safePollSeconds     the shortest fixed poll interval that would keep API Gateway under its limit at every second
 * @param breaches            the limits crossed, earliest first (empty: the design holds)
 */
public record Surge(long finishSeconds, long lastOpeningSeconds, Bound admissionPace, double peakEnters,
                    long peakWaiting, double peakPolls, double peakApiRps, double peakWcu, double peakRcu,
                    double peakConcurrency, double peakSqsSends, double peakStripeWcu, long peakSignupBacklog,
                    double safePollSeconds, List<Breach> breaches) {

    /** The peak demand on one limit; {@link #share()} above 1 means it was crossed. */
    public record Load(String limit, double peak, double allowed) {
        public double share() {
            return peak / allowed;
        }
    }

    /** A limit crossed: first at second {@code firstAtSecond}, with the peak demand against it. */
    public record Breach(String limit, long firstAtSecond, double peak, double allowed, String cause) {
    }
}
