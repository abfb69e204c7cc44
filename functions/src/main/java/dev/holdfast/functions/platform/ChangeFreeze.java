package dev.holdfast.functions.platform;

import dev.holdfast.resources.Variables;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.ApiError;
import dev.holdfast.api.ErrorCode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.surge.Surge;
import dev.holdfast.domain.surge.SurgeCalendar;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.persistence.surges.SurgeStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The change freeze around known surges: from the lead time before a surge starts until it ends,
 * maintenance to a non-NORMAL mode and deployments are refused. The lead time comes from
 * {@value #LEAD_VARIABLE} (whole minutes, default {@link SurgeCalendar#DEFAULT_LEAD}); the value
 * {@value #OFF} turns the freeze off (the shared test environment, whose tests run rollouts and
 * maintenance side by side; never a deployed stage unless its operator says so). Reads the
 * calendar (one strongly consistent query) only when asked: by {@code POST /admin/maintenance}
 * and the deployment hook, never on a request path.
 */
public final class ChangeFreeze {
    /** The lead time in whole minutes (0 to 1440); the CDK app sets it from context {@code freezeLeadMinutes}. */
    public static final String LEAD_VARIABLE = Variables.FREEZE_LEAD;
    /** The value of {@link #LEAD_VARIABLE} that turns the freeze off. */
    public static final String OFF = "off";

    private final SurgeStore surges;
    private final Clock clock;
    private final Optional<Duration> lead;

    /** @param lead the lead time, or empty: the freeze is off */
    public ChangeFreeze(SurgeStore surges, Clock clock, Optional<Duration> lead) {
        this.surges = surges;
        this.clock = clock;
        this.lead = lead;
    }

    /** The freeze of a container: lead time (or {@value #OFF}) from the environment. */
    public static ChangeFreeze of(Deployment deployment, Map<String, String> environment) {
        String configured = environment.get(LEAD_VARIABLE);
        Optional<Duration> lead = configured != null && configured.trim().equalsIgnoreCase(OFF)
                ? Optional.empty() : Optional.of(SurgeCalendar.lead(configured));
        return new ChangeFreeze(new SurgeStore(deployment), deployment.clock(), lead);
    }

    /** The lead time, or empty when the freeze is off. */
    public Optional<Duration> lead() {
        return lead;
    }

    /** The surge that freezes maintenance now, if any. */
    public Optional<Surge> maintenance() {
        return lead.flatMap(l -> calendar().freezing(clock.instant(), l));
    }

    /**
     * What a deployment meets now: the surge whose freeze covers now (overridden or not), and the
     * one that refuses it (a freezing surge without an active deploy override), if any.
     */
    public record DeployCheck(Optional<Surge> freezing, Optional<Surge> refusing) {}

    public DeployCheck deployments() {
        if (lead.isEmpty()) {
            return new DeployCheck(Optional.empty(), Optional.empty());
        }
        SurgeCalendar c = calendar();
        Instant now = clock.instant();
        return new DeployCheck(c.freezing(now, lead.get()), c.freezingDeploys(now, lead.get()));
    }

    /** The calendar's store (the surge routes write through the same one). */
    public SurgeStore store() {
        return surges;
    }

    /** The calendar of surges not over yet (one strongly consistent query). */
    public SurgeCalendar calendar() {
        return surges.notOverAt(clock.instant());
    }

    /** {@code 409 CHANGE_FROZEN} naming the surge. */
    public ApiError frozen(Surge s) {
        ObjectNode d = Json.object();
        d.put("surgeId", s.surgeId());
        d.put("name", s.name());
        d.put("freezeStartsAt", Rfc3339.format(s.freezeStartsAt(lead.orElse(Duration.ZERO))));
        d.put("startsAt", Rfc3339.format(s.startsAt()));
        d.put("endsAt", Rfc3339.format(s.endsAt()));
        return new ApiError(ErrorCode.CHANGE_FROZEN, "changes are frozen around the surge '" + s.name()
                + "'; nothing was changed (send \"override\": {\"reason\": \"…\"} to go ahead anyway)", d);
    }
}
