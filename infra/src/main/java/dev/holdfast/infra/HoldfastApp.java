package dev.holdfast.infra;

import dev.holdfast.resources.Naming;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.lambda.Code;

import java.nio.file.Path;
import java.util.Map;

/**
 * The CDK app: two stacks per stage.
 *
 * <ul>
 *   <li>{@code Holdfast-<stage>-data} ({@link DataStack}): every table and queue, and the waiting
 *       room's signing secret. Stateful, so it is termination-protected and deployed rarely.</li>
 *   <li>{@code Holdfast-<stage>-api} ({@link ApiStack}): functions, Cognito, the HTTP API, the
 *       waiting page, canary deployments, alarms and the dashboard. Stateless apart from the user
 *       pool and the logs (retained); redeployed on every code change.</li>
 *   <li>{@code Holdfast-<stage>-edge} ({@link EdgeWafStack}): the WAF web ACL for the waiting page's
 *       CloudFront distribution, pinned to us-east-1 (where CloudFront's web ACLs must live); its
 *       ARN goes to the API stack as context {@code edgeWebAclArn}.</li>
 * </ul>
 *
 * <p>Every synth runs cdk-nag's AwsSolutions pack over every stack ({@link #create}): an unsuppressed
 * error fails the synth, and every suppression is written, with its reason, beside its resource.
 *
 * <p>The stage comes from context ({@code cdk synth -c stage=prod}), default {@value #DEFAULT_STAGE}.
 * No account or region is written here: the stacks are environment-agnostic unless the CLI
 * supplies {@code CDK_DEFAULT_ACCOUNT}/{@code CDK_DEFAULT_REGION} from the caller's profile.
 */
public final class HoldfastApp {
    private HoldfastApp() {}

    public static final String STAGE_CONTEXT = "stage";
    public static final String DEFAULT_STAGE = "dev";

    /** The stacks of one stage. */
    public record Stacks(DataStack data, ApiStack api, EdgeWafStack edge) {}

    public static void main(String[] args) {
        App app = new App();
        Path jar = FunctionsJar.resolve(app.getNode().tryGetContext(FunctionsJar.CONTEXT_KEY), Path.of(""));
        create(app, environment(System.getenv()), Code.fromAsset(jar.toString()));
        app.synth();
    }

    /**
     * What {@link #main} adds to {@code app}: the stacks of the stage named by its context, with
     * cdk-nag's AwsSolutions checks on all of them.
     */
    public static Stacks create(App app, Environment env, Code code) {
        Stacks stacks = build(app, stage(app.getNode().tryGetContext(STAGE_CONTEXT)), env, code);
        Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        return stacks;
    }

    /**
     * Adds a stage's stacks to {@code app}.
     *
     * @param env  target environment, or {@code null} for environment-agnostic stacks
     * @param code the functions' deployable code (tests pass a placeholder)
     */
    public static Stacks build(App app, String stage, Environment env, Code code) {
        stage(stage);
        String data = "Holdfast-" + stage + "-data";
        String api = "Holdfast-" + stage + "-api";
        DataStack dataStack = new DataStack(app, data, StackProps.builder()
                .stackName(data).env(env).terminationProtection(true)
                .description("Holdfast " + stage + ": tables and queues").build(), stage);
        ApiStack apiStack = new ApiStack(app, api, StackProps.builder()
                .stackName(api).env(env)
                .description("Holdfast " + stage + ": functions, user pool, HTTP API").build(),
                stage, dataStack, code);
        // the CloudFront web ACL must live in us-east-1, whatever region the rest goes to
        String edge = "Holdfast-" + stage + "-edge";
        EdgeWafStack edgeStack = new EdgeWafStack(app, edge, StackProps.builder()
                .stackName(edge)
                .env(Environment.builder().account(env == null ? null : env.getAccount()).region(EdgeWafStack.REGION).build())
                .description("Holdfast " + stage + ": WAF web ACL for the waiting page's CloudFront distribution").build(),
                stage);
        return new Stacks(dataStack, apiStack, edgeStack);
    }

    /**
     * The validated stage. {@link Naming#LOCAL_STAGE} is refused: it shares prod's bare
     * {@code holdfast-} prefix and belongs to the local environment only.
     */
    public static String stage(Object contextValue) {
        String stage = contextValue == null ? DEFAULT_STAGE : contextValue.toString();
        Naming.prefixFor(stage); // throws on a malformed stage
        if (stage.equals(Naming.LOCAL_STAGE)) {
            throw new IllegalArgumentException("stage '" + stage + "' is the local environment's; it is never deployed");
        }
        return stage;
    }

    /** The CLI's account and region if it supplied them, else {@code null} (environment-agnostic). */
    static Environment environment(Map<String, String> env) {
        String account = blankToNull(env.get("CDK_DEFAULT_ACCOUNT"));
        String region = blankToNull(env.get("CDK_DEFAULT_REGION"));
        if (account == null && region == null) {
            return null;
        }
        return Environment.builder().account(account).region(region).build();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
