package dev.holdfast.infra;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18 #2, the edge: display reads ({@code GET /markets*}) cached by CloudFront on a key with
 * nothing user-specific, while a Lambda@Edge checks the user's token on every request. The
 * function's own rules are tested by {@code infra/edge/test/display-auth.test.js} (Node's test
 * runner, run here); the templates show the wiring.
 */
class DisplayReadsEdgeTest {
    static final String ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123";
    static final String VERSION_ARN = "arn:aws:lambda:us-east-1:111111111111:function:holdfast-dev-display-auth:3";

    static Template edge;
    static Template api;

    @BeforeAll
    static void synth() {
        App app = new App(AppProps.builder().context(Map.of(
                DisplayAuthEdge.ISSUER_CONTEXT, ISSUER,
                DisplayAuthEdge.AUDIENCES_CONTEXT, "appclient1,opsclient2",
                DisplayAuthEdge.VERSION_ARN_CONTEXT, VERSION_ARN)).build());
        HoldfastApp.Stacks stacks = HoldfastApp.build(app, "dev", null, PlaceholderCode.create());
        edge = Template.fromStack(stacks.edge());
        api = Template.fromStack(stacks.api());
    }

    @Test
    void theTokenCheckPassesItsOwnTestsUnderNode() throws IOException, InterruptedException {
        Path infra = DisplayAuthEdge.source(Path.of("")).getParent().getParent();
        Process p = new ProcessBuilder("node", "--test", "edge/test").directory(infra.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "node --test timed out");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("# fail 0"), out);
    }

    @Test
    void theEdgeStackHoldsALambdaAtEdgeFunctionWithinViewerRequestLimits() {
        edge.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "FunctionName", "holdfast-dev-display-auth",
                "Runtime", "nodejs24.x",
                "MemorySize", 128,
                "Timeout", 5)));
        edge.resourceCountIs("AWS::Lambda::Version", 1);
        edge.hasResourceProperties("AWS::IAM::Role", Match.objectLike(Map.of(
                "AssumeRolePolicyDocument", Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(
                        Match.objectLike(Map.of("Principal", Map.of("Service", "lambda.amazonaws.com"))),
                        Match.objectLike(Map.of("Principal", Map.of("Service", "edgelambda.amazonaws.com"))))))),
                "ManagedPolicyArns", Match.absent())));
        edge.hasOutput("DisplayAuthVersionArn", Match.anyValue());
        // without the pool's issuer and clients there is no function (and nothing to attach)
        Template plain = Template.fromStack(DevStage.stacks().edge());
        plain.resourceCountIs("AWS::Lambda::Function", 0);
    }

    @Test
    void theApiStackNamesWhatTheEdgeStackNeeds() {
        api.hasOutput("DisplayAuthIssuer", Match.anyValue());
        api.hasOutput("DisplayAuthAudiences", Match.anyValue());
    }

    @Test
    void marketsAreCachedOnNothingUserSpecificForAtMostOneSecondWithTheTokenCheckedAtTheEdge() {
        api.hasResourceProperties("AWS::CloudFront::CachePolicy", Match.objectLike(Map.of(
                "CachePolicyConfig", Match.objectLike(Map.of(
                        "DefaultTTL", 1, "MaxTTL", 1, "MinTTL", 0,
                        "ParametersInCacheKeyAndForwardedToOrigin", Match.objectLike(Map.of(
                                "HeadersConfig", Map.of("HeaderBehavior", "none"),
                                "CookiesConfig", Map.of("CookieBehavior", "none"),
                                "QueryStringsConfig", Map.of("QueryStringBehavior", "whitelist",
                                        "QueryStrings", List.of("state", "limit", "cursor")))))))));
        api.hasResourceProperties("AWS::CloudFront::OriginRequestPolicy", Match.objectLike(Map.of(
                "OriginRequestPolicyConfig", Match.objectLike(Map.of(
                        "HeadersConfig", Map.of("HeaderBehavior", "whitelist", "Headers", List.of("X-Holdfast-Viewer-Token")),
                        "CookiesConfig", Map.of("CookieBehavior", "none"))))));
        api.hasResourceProperties("AWS::CloudFront::Distribution", Match.objectLike(Map.of(
                "DistributionConfig", Match.objectLike(Map.of("CacheBehaviors", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "PathPattern", WaitingPageConstruct.MARKETS_PATH,
                        "LambdaFunctionAssociations", List.of(
                                Map.of("EventType", "viewer-request", "LambdaFunctionARN", VERSION_ARN),
                                Map.of("EventType", "origin-request", "LambdaFunctionARN", VERSION_ARN)))))))))));
    }

    @Test
    void withoutTheEdgeCheckMarketsStayUncached() {
        DevStage.api().hasResourceProperties("AWS::CloudFront::Distribution", Match.objectLike(Map.of(
                "DistributionConfig", Match.objectLike(Map.of("CacheBehaviors", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "PathPattern", WaitingPageConstruct.MARKETS_PATH,
                        "CachePolicyId", "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", // CachingDisabled
                        "LambdaFunctionAssociations", Match.absent())))))))));
    }

    @Test
    void aMalformedIssuerOrClientListIsRefusedAtSynth() {
        Path src = DisplayAuthEdge.source(Path.of(""));
        App app = new App();
        software.amazon.awscdk.Stack s = new software.amazon.awscdk.Stack(app, "S");
        assertThrows(IllegalArgumentException.class, () -> new DisplayAuthEdge(s, "A", "dev", "https://evil.example/pool", List.of("c1"), src));
        assertThrows(IllegalArgumentException.class, () -> new DisplayAuthEdge(s, "B", "dev", ISSUER, List.of(), src));
    }
}
