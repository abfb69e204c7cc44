package dev.holdfast.infra;

import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 14 #9, the edge: a rate-based WAF rule per source address in front of the waiting-room and
 * signup paths, in a us-east-1 stack of its own, logged; and the API stack attaches it to the
 * waiting page's distribution when given its ARN.
 */
class EdgeWafStackTest {

    @Test
    void theEdgeStackHasAPerAddressRateRuleOnTheWaitingRoomAndSignupPaths() {
        HoldfastApp.Stacks stacks = DevStage.stacks();
        assertEquals(EdgeWafStack.REGION, stacks.edge().getRegion());
        Template t = Template.fromStack(stacks.edge());
        t.resourceCountIs("AWS::WAFv2::WebACL", 1);
        t.hasResourceProperties("AWS::WAFv2::WebACL", Match.objectLike(Map.of(
                "Scope", "CLOUDFRONT",
                "DefaultAction", Map.of("Allow", Map.of()),
                "Rules", List.of(Match.objectLike(Map.of(
                        "Priority", 0,
                        "Action", Map.of("Block", Map.of("CustomResponse", Match.objectLike(Map.of("ResponseCode", 429)))),
                        "Statement", Map.of("RateBasedStatement", Match.objectLike(Map.of(
                                "Limit", EdgeWafStack.REQUESTS_PER_5_MIN_PER_ADDRESS,
                                "AggregateKeyType", "IP",
                                "ScopeDownStatement", Map.of("OrStatement", Map.of("Statements", List.of(
                                        startsWith("/waiting-room/"), startsWith("/signup")))))))))))));
        t.resourceCountIs("AWS::WAFv2::LoggingConfiguration", 1);
        t.hasResourceProperties("AWS::Logs::LogGroup", Match.objectLike(Map.of("LogGroupName", "aws-waf-logs-holdfast-dev")));
        t.hasOutput("WebAclArn", Match.anyValue());
    }

    private static Map<String, Object> startsWith(String prefix) {
        return Map.of("ByteMatchStatement", Match.objectLike(Map.of(
                "PositionalConstraint", "STARTS_WITH", "SearchString", prefix, "FieldToMatch", Map.of("UriPath", Map.of()))));
    }

    @Test
    void theApiStackAttachesTheWebAclGivenItsArn() {
        String arn = "arn:aws:wafv2:us-east-1:111111111111:global/webacl/holdfast-dev-edge/abc";
        App app = new App(AppProps.builder().context(Map.of(EdgeWafStack.WEB_ACL_ARN_CONTEXT, arn)).build());
        HoldfastApp.Stacks stacks = HoldfastApp.build(app, "dev", null, PlaceholderCode.create());
        Template api = Template.fromStack(stacks.api());
        api.hasResourceProperties("AWS::CloudFront::Distribution", Match.objectLike(Map.of(
                "DistributionConfig", Match.objectLike(Map.of("WebACLId", arn)))));
        // and without it, none (the edge stack's output has to be passed on)
        Template none = DevStage.api();
        none.hasResourceProperties("AWS::CloudFront::Distribution", Match.objectLike(Map.of(
                "DistributionConfig", Match.objectLike(Map.of("WebACLId", Match.absent())))));
    }
}
