package dev.holdfast.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.CompositePrincipal;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.Version;
import software.constructs.Construct;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Lambda@Edge function that keeps the display reads ({@code GET /markets*}) behind a valid token
 * while CloudFront caches them for everyone ({@code infra/edge/display-auth/index.js}; its rules in
 * that file and in the README's "Display reads at the edge"). It lives in the us-east-1 edge stack
 * (Lambda@Edge functions must) and is attached to the waiting page's distribution by the API stack,
 * given the version ARN this stack outputs ({@code -c displayAuthVersionArn=…}).
 *
 * <p>Lambda@Edge has no environment variables, so the pool's issuer and the client ids (from the
 * API stack's outputs: {@code -c displayAuthIssuer=… -c displayAuthAudiences=id1,id2}) are written
 * into a {@code config.json} beside the code at synth time. Viewer-request limits: 128 MB, 5 s.
 */
public final class DisplayAuthEdge extends Construct {
    public static final String ISSUER_CONTEXT = "displayAuthIssuer";
    public static final String AUDIENCES_CONTEXT = "displayAuthAudiences";
    /** The API stack's context key: the version to attach (this construct's output). */
    public static final String VERSION_ARN_CONTEXT = "displayAuthVersionArn";
    /** Where the function's code lives, relative to the repository root. */
    static final Path SOURCE = Path.of("infra", "edge", "display-auth");

    private final Version version;

    public DisplayAuthEdge(Construct scope, String id, String stage, String issuer, List<String> audiences, Path source) {
        super(scope, id);
        if (!issuer.matches("https://cognito-idp\\.[a-z0-9-]+\\.amazonaws\\.com/[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException(ISSUER_CONTEXT + " must be a Cognito user pool's issuer URL, was " + issuer);
        }
        if (audiences.isEmpty() || audiences.stream().anyMatch(a -> !a.matches("[A-Za-z0-9]+"))) {
            throw new IllegalArgumentException(AUDIENCES_CONTEXT + " must list the app client ids, comma-separated, was " + audiences);
        }
        String name = "holdfast-" + stage + "-display-auth";
        // Lambda@Edge writes its logs in the region of each edge that ran it:
        // /aws/lambda/us-east-1.<name> in every region, so the log grant names every region's group
        Role role = Role.Builder.create(this, "Role")
                .assumedBy(new CompositePrincipal(new ServicePrincipal("lambda.amazonaws.com"),
                        new ServicePrincipal("edgelambda.amazonaws.com")))
                .description("Lambda@Edge display-read token check: writes its own logs, nothing else")
                .inlinePolicies(Map.of("Logs", PolicyDocument.Builder.create()
                        .statements(List.of(PolicyStatement.Builder.create()
                                .actions(List.of("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"))
                                .resources(List.of("arn:aws:logs:*:*:log-group:/aws/lambda/us-east-1." + name + ":*"))
                                .build()))
                        .build()))
                .build();
        NagSuppressions.addResourceSuppressions(role, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("Lambda@Edge logs to /aws/lambda/us-east-1.<name> in whichever region served the viewer; the"
                        + " grant is that one log group name in every region and account-wide only in the region part")
                .build()), true);
        Function fn = Function.Builder.create(this, "Function")
                .functionName(name)
                .description("Holdfast " + stage + ": checks the user's token on GET /markets* at the edge (cache keys on nothing user-specific)")
                .runtime(Runtime.NODEJS_24_X)
                .handler("index.handler")
                .code(Code.fromAsset(bundle(source, issuer, audiences).toString()))
                .memorySize(128)
                .timeout(Duration.seconds(5))
                .role(role)
                .build();
        version = fn.getCurrentVersion();
        version.applyRemovalPolicy(RemovalPolicy.RETAIN); // replicas may outlive a replaced version
    }

    /** The code and its config.json, in a directory of their own (the source directory is never written). */
    static Path bundle(Path source, String issuer, List<String> audiences) {
        try {
            Path dir = Files.createTempDirectory("holdfast-display-auth");
            Files.copy(source.resolve("index.js"), dir.resolve("index.js"));
            String json = "{\"issuer\":\"" + issuer + "\",\"audiences\":["
                    + audiences.stream().map(a -> "\"" + a + "\"").collect(Collectors.joining(",")) + "]}\n";
            Files.writeString(dir.resolve("config.json"), json);
            dir.toFile().deleteOnExit(); // registered first, so deleted after its files
            dir.resolve("index.js").toFile().deleteOnExit();
            dir.resolve("config.json").toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The function's directory under {@code workingDir} or its parent (the CDK CLI runs from {@code infra/}). */
    public static Path source(Path workingDir) {
        return WaitingPageConstruct.underRepository(workingDir, SOURCE, "display-auth function");
    }

    public Version version() {
        return version;
    }
}
