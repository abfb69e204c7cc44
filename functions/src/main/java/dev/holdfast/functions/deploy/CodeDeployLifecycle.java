package dev.holdfast.functions.deploy;

import dev.holdfast.retry.Retry;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.functions.provider.SignedAwsCall;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;

import java.net.URI;
import java.util.Map;

/**
 * CodeDeploy's {@code PutLifecycleEventHookExecutionStatus}: a hook's verdict on a deployment
 * ({@code Succeeded} lets traffic shift, {@code Failed} fails and rolls back the deployment). A
 * signed JSON 1.1 call ({@link SignedAwsCall}); throttling and 5xx answers are retried a few times,
 * anything else that is not a 2xx is an exception (then CodeDeploy fails the hook when it times out).
 */
public final class CodeDeployLifecycle {
    /** Where the API is, if not the region's public endpoint (tests, VPC endpoints). */
    public static final String ENDPOINT_VARIABLE = "CODEDEPLOY_ENDPOINT";
    static final String TARGET = "CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus";
    static final int ATTEMPTS = 3;
    /** CodeDeploy throttled or failed: again after 200 ms, doubling (jittered), {@value #ATTEMPTS} tries in all. */
    private static final Retry RETRY = Retry.attempts(ATTEMPTS).backOff(java.time.Duration.ofMillis(200), java.time.Duration.ofMillis(1600));

    /** A hook's verdict, as CodeDeploy spells it. */
    public enum Verdict { Succeeded, Failed }

    private final URI endpoint;
    private final SignedAwsCall call;

    public CodeDeployLifecycle(URI endpoint, String region, AwsCredentialsProvider credentials) {
        this.endpoint = endpoint;
        this.call = new SignedAwsCall("codedeploy", region, credentials);
    }

    /** The client of a Lambda container: its region's endpoint (or {@value #ENDPOINT_VARIABLE}) and its role. */
    public static CodeDeployLifecycle fromEnvironment(Map<String, String> env) {
        String region = env.getOrDefault("AWS_REGION", "us-east-1");
        String configured = env.get(ENDPOINT_VARIABLE);
        URI endpoint = URI.create(configured != null && !configured.isBlank() ? configured.trim()
                : "https://codedeploy." + region + ".amazonaws.com/");
        return new CodeDeployLifecycle(endpoint, region, EnvironmentVariableCredentialsProvider.create());
    }

    /** Reports {@code verdict} for one lifecycle hook execution of a deployment. */
    public void report(String deploymentId, String executionId, Verdict verdict) {
        ObjectNode body = Json.object();
        body.put("deploymentId", deploymentId);
        body.put("lifecycleEventHookExecutionId", executionId);
        body.put("status", verdict.name());
        Map<String, String> headers = Map.of("Content-Type", "application/x-amz-json-1.1", "X-Amz-Target", TARGET);
        SignedAwsCall.Answer last = null;
        for (Retry.Turns turns = RETRY.start(); turns.next(); ) {
            last = call.post(endpoint, headers, Json.write(body));
            if (last.status() / 100 == 2) {
                return;
            }
            boolean retryable = last.status() >= 500 || last.status() == 429 || last.body().contains("Throttling");
            if (!retryable) {
                break;
            }
            turns.backOff();
        }
        throw new IllegalStateException("PutLifecycleEventHookExecutionStatus answered " + last.status() + ": " + last.body());
    }
}
