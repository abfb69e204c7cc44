package dev.holdfast.functions.deploy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.audit.AuditRecord;
import dev.holdfast.domain.surge.Surge;
import dev.holdfast.functions.runtime.JsonLog;
import dev.holdfast.functions.platform.ChangeFreeze;
import dev.holdfast.persistence.audit.AuditLog;
import dev.holdfast.runtime.Deployment;
import dev.holdfast.resources.Functions;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * CodeDeploy's {@code BeforeAllowTraffic} hook of every function alias: a deployment during a
 * surge's change freeze fails before any traffic shifts, unless ops recorded a deploy override for
 * that surge ({@code POST /admin/surges/{surgeId}/override}). The verdict goes back to CodeDeploy
 * ({@link CodeDeployLifecycle}); a refusal and a pass through an override are each audited
 * (actor {@value #ACTOR}, target {@code deployment/<deploymentId>}). If the calendar cannot be read the
 * deployment fails too (closed): deploy again once it can.
 */
public final class PreTrafficHook implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    static final String ACTOR = "codedeploy-pre-traffic-hook";

    private final ChangeFreeze freeze;
    private final CodeDeployLifecycle codeDeploy;
    private final AuditLog audit;
    private final Deployment deployment;
    private final Clock clock;
    private final JsonLog log = new JsonLog(Functions.PRE_TRAFFIC_HOOK.id());

    /** Lambda's entry. */
    public PreTrafficHook() {
        this(Deployment.fromEnvironment(), System.getenv());
    }

    public PreTrafficHook(Deployment deployment, Map<String, String> environment) {
        this(deployment, environment, CodeDeployLifecycle.fromEnvironment(environment));
    }

    public PreTrafficHook(Deployment deployment, Map<String, String> environment, CodeDeployLifecycle codeDeploy) {
        this.deployment = deployment;
        this.freeze = ChangeFreeze.of(deployment, environment);
        this.codeDeploy = codeDeploy;
        this.audit = new AuditLog(deployment);
        this.clock = deployment.clock();
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        String deploymentId = String.valueOf(event.get("DeploymentId"));
        String executionId = String.valueOf(event.get("LifecycleEventHookExecutionId"));
        String requestId = context != null && context.getAwsRequestId() != null ? context.getAwsRequestId() : deploymentId;
        Map<String, Object> outcome = new LinkedHashMap<>();
        outcome.put("deploymentId", deploymentId);
        CodeDeployLifecycle.Verdict verdict;
        try {
            ChangeFreeze.DeployCheck check = freeze.deployments();
            Instant now = clock.instant();
            if (check.refusing().isPresent()) {
                Surge s = check.refusing().get();
                verdict = CodeDeployLifecycle.Verdict.Failed;
                outcome.put("surgeId", s.surgeId());
                record("DEPLOYMENT_REFUSED", deploymentId, s, Optional.empty(), now);
            } else if (check.freezing().isPresent()) {
                Surge s = check.freezing().get();
                verdict = CodeDeployLifecycle.Verdict.Succeeded;
                outcome.put("surgeId", s.surgeId());
                outcome.put("override", s.deployOverride().map(Surge.DeployOverride::reason).orElse(null));
                record("DEPLOYMENT_ALLOWED_BY_OVERRIDE", deploymentId, s, s.deployOverride(), now);
            } else {
                verdict = CodeDeployLifecycle.Verdict.Succeeded;
            }
        } catch (RuntimeException e) {
            verdict = CodeDeployLifecycle.Verdict.Failed;
            outcome.put("error", e.toString());
            log.write(log.error(requestId, "the change freeze could not be checked: failing the deployment", e));
        }
        outcome.put("verdict", verdict.name());
        ObjectNode line = log.line(verdict == CodeDeployLifecycle.Verdict.Failed ? "WARN" : "INFO", requestId, "pre-traffic verdict");
        outcome.forEach((k, v) -> line.put(k, v == null ? null : v.toString()));
        log.write(line);
        codeDeploy.report(deploymentId, executionId, verdict);
        return outcome;
    }

    private void record(String action, String deploymentId, Surge s, Optional<Surge.DeployOverride> override, Instant now) {
        ObjectNode after = Json.object();
        after.put("deploymentId", deploymentId);
        after.put("surgeId", s.surgeId());
        after.put("surge", s.name());
        after.put("freezeStartsAt", Rfc3339.format(s.freezeStartsAt(freeze.lead().orElseThrow())));
        after.put("endsAt", Rfc3339.format(s.endsAt()));
        override.ifPresent(o -> {
            ObjectNode n = after.putObject("override");
            n.put("reason", o.reason());
            n.put("by", o.by());
            n.put("expiresAt", Rfc3339.format(o.expiresAt()));
        });
        AuditRecord r = new AuditRecord(AuditLog.newId(), ACTOR, action, "deployment/" + deploymentId, "null",
                Json.write(after), now);
        deployment.clients().dynamo().transactWriteItems(b -> b.transactItems(audit.lowLevelPut(r)));
    }
}
