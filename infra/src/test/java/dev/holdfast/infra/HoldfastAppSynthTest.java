package dev.holdfast.infra;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;
import software.amazon.awscdk.cxapi.SynthesisMessage;
import software.amazon.awscdk.cxapi.SynthesisMessageLevel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every stage synthesizes through the app exactly as {@code cdk synth -c stage=<stage>} runs it
 * ({@link HoldfastApp#create}: no CLI, no AWS credentials), and cdk-nag's AwsSolutions pack, which
 * the app applies to every stack, leaves no unsuppressed error or warning. One synth per stage.
 */
class HoldfastAppSynthTest {
    static final List<String> STAGES = List.of("dev", "staging", "prod");

    /** What an operator passes to {@code cdk deploy -c …} for prod. */
    static final Map<String, Object> PROD_CONTEXT = Map.of(
            HttpApiConstruct.THROTTLE_RATE_CONTEXT, "8000",
            HttpApiConstruct.THROTTLE_BURST_CONTEXT, 4000,
            ApiStack.BANK_URL_CONTEXT, "https://bank.example/api",
            ApiStack.VERIFIER_URL_CONTEXT, "https://verifier.example/v1",
            // the edge token check and the cached display reads, so cdk-nag sees them too
            DisplayAuthEdge.ISSUER_CONTEXT, "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
            DisplayAuthEdge.AUDIENCES_CONTEXT, "appclient1,opsclient2",
            DisplayAuthEdge.VERSION_ARN_CONTEXT, "arn:aws:lambda:us-east-1:111111111111:function:holdfast-prod-display-auth:1");

    @TempDir
    static Path out;
    private static final Map<String, CloudAssembly> assemblies = new LinkedHashMap<>();

    @BeforeAll
    static void synthEveryStage() {
        for (String stage : STAGES) {
            Map<String, Object> context = new LinkedHashMap<>(Map.of(HoldfastApp.STAGE_CONTEXT, stage));
            if (stage.equals("prod")) {
                context.putAll(PROD_CONTEXT);
            }
            App app = new App(AppProps.builder()
                    .context(context)
                    .outdir(out.resolve(stage).toString())
                    .build());
            HoldfastApp.create(app, null, PlaceholderCode.create());
            assemblies.put(stage, app.synth());
        }
    }

    @ParameterizedTest(name = "stage {0}")
    @ValueSource(strings = {"dev", "staging", "prod"})
    void stageSynthesizesItsStacks(String stage) {
        CloudAssembly assembly = assemblies.get(stage);
        List<String> names = assembly.getStacks().stream().map(CloudFormationStackArtifact::getStackName).sorted().toList();
        assertEquals(List.of("Holdfast-" + stage + "-api", "Holdfast-" + stage + "-data", "Holdfast-" + stage + "-edge"), names);
        for (CloudFormationStackArtifact stack : assembly.getStacks()) {
            assertTrue(Files.isRegularFile(Path.of(stack.getTemplateFullPath())), stack.getTemplateFullPath());
            // environment-agnostic: no account is written in the code, and no region but the edge
            // stack's (a CloudFront web ACL must live in us-east-1)
            assertEquals("unknown-account", stack.getEnvironment().getAccount(), stack.getStackName());
            assertEquals(stack.getStackName().endsWith("-edge") ? EdgeWafStack.REGION : "unknown-region",
                    stack.getEnvironment().getRegion(), stack.getStackName());
        }
    }

    @ParameterizedTest(name = "stage {0}")
    @ValueSource(strings = {"dev", "staging", "prod"})
    void cdkNagAwsSolutionsFindsNothingUnsuppressed(String stage) {
        List<String> findings = new ArrayList<>();
        for (CloudFormationStackArtifact stack : assemblies.get(stage).getStacks()) {
            for (SynthesisMessage m : stack.getMessages()) {
                String data = String.valueOf(m.getEntry().getData());
                if (data.contains("AwsSolutions-")) {
                    if (m.getLevel() == SynthesisMessageLevel.ERROR || m.getLevel() == SynthesisMessageLevel.WARNING) {
                        findings.add(m.getLevel() + " " + m.getId() + ": " + data);
                    }
                }
            }
        }
        assertTrue(findings.isEmpty(), findings.size() + " cdk-nag findings:\n" + String.join("\n", findings));
    }

    @Test
    void contextSetsTheThrottleAndTheWorkersUrls() {
        CloudFormationStackArtifact api = assemblies.get("prod").getStackByName("Holdfast-prod-api");
        Template template = Template.fromJSON(castMap(api.getTemplate()));
        template.hasResourceProperties("AWS::ApiGatewayV2::Stage", Match.objectLike(Map.of(
                "DefaultRouteSettings", Map.of("ThrottlingRateLimit", 8000, "ThrottlingBurstLimit", 4000))));
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", dev.holdfast.resources.Functions.SIGNUP_WORKER.handler(),
                "Environment", Map.of("Variables", Match.objectLike(Map.of("VERIFIER_URL", "https://verifier.example/v1"))))));
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", dev.holdfast.resources.Functions.WITHDRAWAL_WORKER.handler(),
                "Environment", Map.of("Variables", Match.objectLike(Map.of("BANK_URL", "https://bank.example/api"))))));
        // and a stage without context gets the defaults
        Template dev = Template.fromJSON(castMap(assemblies.get("dev").getStackByName("Holdfast-dev-api").getTemplate()));
        dev.hasResourceProperties("AWS::ApiGatewayV2::Stage", Match.objectLike(Map.of(
                "DefaultRouteSettings", Map.of("ThrottlingRateLimit", HttpApiConstruct.THROTTLE_RATE_PER_SECOND,
                        "ThrottlingBurstLimit", HttpApiConstruct.THROTTLE_BURST))));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void theNagPackRanOnEveryStack() {
        // a suppressed finding is recorded in the template's metadata, and the pack writes a report
        // per stack into the assembly: proof the pack looked (a stack with nothing to suppress, like
        // the edge stack, only has its report)
        for (CloudAssembly assembly : assemblies.values()) {
            for (CloudFormationStackArtifact stack : assembly.getStacks()) {
                boolean metadata = String.valueOf(stack.getTemplate()).contains("cdk_nag");
                boolean report;
                try (var files = Files.list(Path.of(assembly.getDirectory()))) {
                    report = files.anyMatch(f -> f.getFileName().toString().startsWith("AwsSolutions-" + stack.getStackName() + "-NagReport"));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                assertTrue(report, stack.getStackName() + " has no cdk-nag report");
                if (!stack.getStackName().endsWith("-edge")) {
                    assertTrue(metadata, stack.getStackName() + " carries no cdk_nag metadata");
                }
            }
        }
    }
}
