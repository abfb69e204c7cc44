package dev.holdfast.domain.waitingroom;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A staged rollout: cohorts that open at their own times and share one admission rate (the identity
 * verifier's quota). Cohorts are served in the order they open: a later cohort is admitted only with
 * what an earlier one leaves unused.
 *
 * @param admissionWindow how long an admitted person has to sign up before the place expires
 */
public record Rollout(String rolloutId, String name, long admissionRatePerSecond, Duration admissionWindow,
                      List<Cohort> cohorts, String createdBy, Instant createdAt) {
    public static final int MAX_COHORTS = 30;
    public static final long MAX_RATE = 100_000;
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);
    private static final Pattern COHORT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public Rollout {
        cohorts = cohorts.stream().sorted((a, b) -> a.opensAt().compareTo(b.opensAt())).toList();
        problem(admissionRatePerSecond, cohorts).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
    }

    /** What is wrong with a rollout's rate and cohorts, if anything (field name first, then a colon). */
    public static Optional<String> problem(long ratePerSecond, List<Cohort> cohorts) {
        if (ratePerSecond < 1 || ratePerSecond > MAX_RATE) {
            return Optional.of("admissionRatePerSecond: must be from 1 to " + MAX_RATE);
        }
        if (cohorts.isEmpty() || cohorts.size() > MAX_COHORTS) {
            return Optional.of("cohorts: between 1 and " + MAX_COHORTS + " cohorts");
        }
        Set<String> ids = new HashSet<>();
        for (Cohort c : cohorts) {
            if (!COHORT_ID.matcher(c.cohortId()).matches()) {
                return Optional.of("cohorts.cohortId: 1-64 characters of [A-Za-z0-9_-]");
            }
            if (!ids.add(c.cohortId())) {
                return Optional.of("cohorts.cohortId: '" + c.cohortId() + "' appears twice");
            }
        }
        return Optional.empty();
    }

    public Optional<Cohort> cohort(String cohortId) {
        return cohorts.stream().filter(c -> c.cohortId().equals(cohortId)).findFirst();
    }
}
