package dev.holdfast.infra;

import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.wafv2.CfnLoggingConfiguration;
import software.amazon.awscdk.services.wafv2.CfnWebACL;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;

/**
 * {@code Holdfast-<stage>-edge}: the WAF web ACL in front of the waiting page's CloudFront
 * distribution. A web ACL for CloudFront must live in {@value #REGION}, while the other stacks go
 * wherever the CLI points, so it is a small stack of its own, pinned to that region.
 *
 * <p>One rate-based rule: more than {@value #REQUESTS_PER_5_MIN_PER_ADDRESS} requests in five minutes
 * from one address to {@code /waiting-room/*} or {@code /signup*} are blocked with {@code 429} and
 * {@code Retry-After} at the edge, before API Gateway or Lambda is reached (queue stuffing from one
 * address; the waiting room's own per-device and per-address limits stay behind it). Everything
 * else is allowed. Requests the ACL saw are logged to {@code aws-waf-logs-holdfast-<stage>}.
 *
 * <p>Deploy it first, then hand its {@code WebAclArn} output to the API stack:
 * {@code cdk deploy Holdfast-<stage>-api -c edgeWebAclArn=<arn>} attaches it to the distribution.
 *
 * <p>Given the user pool's issuer and client ids ({@code -c displayAuthIssuer=… -c displayAuthAudiences=…},
 * the API stack's outputs), it also holds {@link DisplayAuthEdge}, the Lambda@Edge token check that lets
 * CloudFront cache the display reads; its {@code DisplayAuthVersionArn} output goes to the API stack as
 * {@code -c displayAuthVersionArn=<arn>}.
 */
public final class EdgeWafStack extends Stack {
    public static final String REGION = "us-east-1";
    /** The API stack's context key naming the web ACL to attach (this stack's output). */
    public static final String WEB_ACL_ARN_CONTEXT = "edgeWebAclArn";
    /** Per source address, per five minutes (WAF's window), on the waiting-room and signup paths. */
    public static final int REQUESTS_PER_5_MIN_PER_ADDRESS = 300;
    public static final List<String> PROTECTED_PATH_PREFIXES = List.of("/waiting-room/", "/signup");
    static final int LOG_DAYS_RETAINED = 365;

    private final CfnWebACL webAcl;
    private final DisplayAuthEdge displayAuth;

    public EdgeWafStack(Construct scope, String id, StackProps props, String stage) {
        super(scope, id, props);
        List<CfnWebACL.StatementProperty> paths = PROTECTED_PATH_PREFIXES.stream()
                .map(p -> CfnWebACL.StatementProperty.builder()
                        .byteMatchStatement(CfnWebACL.ByteMatchStatementProperty.builder()
                                .fieldToMatch(CfnWebACL.FieldToMatchProperty.builder().uriPath(Map.of()).build())
                                .positionalConstraint("STARTS_WITH")
                                .searchString(p)
                                .textTransformations(List.of(CfnWebACL.TextTransformationProperty.builder()
                                        .priority(0).type("NONE").build()))
                                .build())
                        .build())
                .toList();
        CfnWebACL.RuleProperty perAddress = CfnWebACL.RuleProperty.builder()
                .name("WaitingRoomAndSignupPerAddress")
                .priority(0)
                .statement(CfnWebACL.StatementProperty.builder()
                        .rateBasedStatement(CfnWebACL.RateBasedStatementProperty.builder()
                                .limit(REQUESTS_PER_5_MIN_PER_ADDRESS)
                                .aggregateKeyType("IP")
                                .scopeDownStatement(CfnWebACL.StatementProperty.builder()
                                        .orStatement(CfnWebACL.OrStatementProperty.builder().statements(paths).build())
                                        .build())
                                .build())
                        .build())
                .action(CfnWebACL.RuleActionProperty.builder()
                        .block(CfnWebACL.BlockActionProperty.builder()
                                .customResponse(CfnWebACL.CustomResponseProperty.builder()
                                        .responseCode(429)
                                        .responseHeaders(List.of(CfnWebACL.CustomHTTPHeaderProperty.builder()
                                                .name("Retry-After").value("60").build()))
                                        .build())
                                .build())
                        .build())
                .visibilityConfig(visibility("holdfast-" + stage + "-waiting-room-per-address"))
                .build();
        webAcl = CfnWebACL.Builder.create(this, "EdgeAcl")
                .name("holdfast-" + stage + "-edge")
                .description("Holdfast " + stage + ": per-address rate limit on the waiting-room and signup paths")
                .scope("CLOUDFRONT")
                .defaultAction(CfnWebACL.DefaultActionProperty.builder().allow(CfnWebACL.AllowActionProperty.builder().build()).build())
                .rules(List.of(perAddress))
                .visibilityConfig(visibility("holdfast-" + stage + "-edge"))
                .build();

        // WAF's log destinations must be named aws-waf-logs-*, and are given without the ":*" suffix
        String logGroupName = "aws-waf-logs-holdfast-" + stage;
        LogGroup logs = LogGroup.Builder.create(this, "WafLogs")
                .logGroupName(logGroupName)
                .retention(RetentionDays.ONE_YEAR)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        CfnLoggingConfiguration logging = CfnLoggingConfiguration.Builder.create(this, "EdgeAclLogging")
                .resourceArn(webAcl.getAttrArn())
                .logDestinationConfigs(List.of(formatArn(ArnComponents.builder()
                        .service("logs").resource("log-group").resourceName(logGroupName)
                        .arnFormat(ArnFormat.COLON_RESOURCE_NAME).build())))
                .build();
        logging.getNode().addDependency(logs);

        Object issuer = getNode().tryGetContext(DisplayAuthEdge.ISSUER_CONTEXT);
        Object audiences = getNode().tryGetContext(DisplayAuthEdge.AUDIENCES_CONTEXT);
        if (issuer != null && audiences != null) {
            displayAuth = new DisplayAuthEdge(this, "DisplayAuth", stage, issuer.toString(),
                    java.util.Arrays.stream(audiences.toString().split(",")).map(String::trim).filter(a -> !a.isEmpty()).toList(),
                    DisplayAuthEdge.source(java.nio.file.Path.of("")));
            CfnOutput.Builder.create(this, "DisplayAuthVersionArn")
                    .description("Pass to the API stack: -c " + DisplayAuthEdge.VERSION_ARN_CONTEXT + "=<this>")
                    .value(displayAuth.version().getFunctionArn())
                    .build();
        } else {
            displayAuth = null;
        }

        CfnOutput.Builder.create(this, "WebAclArn")
                .description("Pass to the API stack: -c " + WEB_ACL_ARN_CONTEXT + "=<this>")
                .value(webAcl.getAttrArn())
                .build();
    }

    private static CfnWebACL.VisibilityConfigProperty visibility(String metric) {
        return CfnWebACL.VisibilityConfigProperty.builder()
                .cloudWatchMetricsEnabled(true).sampledRequestsEnabled(true).metricName(metric).build();
    }

    /** The display reads' token check, or {@code null} until the pool's issuer and clients are given. */
    public DisplayAuthEdge displayAuth() {
        return displayAuth;
    }

    public CfnWebACL webAcl() {
        return webAcl;
    }
}
