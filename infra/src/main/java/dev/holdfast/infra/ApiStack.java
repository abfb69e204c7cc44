package dev.holdfast.infra;

import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.Functions;
import dev.holdfast.resources.Routes;
import dev.holdfast.resources.Triggers;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.CrossStackReferences;
import software.amazon.awscdk.ReferenceStrength;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Code;
import software.constructs.Construct;
import software.constructs.IConstruct;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything that runs: the functions of {@link Functions#ALL}, their triggers, the Cognito user
 * pool, the HTTP API over {@link Routes#deployed()}, the waiting page (S3 + CloudFront, which also
 * routes the page's API paths to the API), CodeDeploy canaries with their rollback alarms, and the
 * stage's dashboard. It refers to the {@link DataStack}'s tables, queues and signing secret through
 * strong references (CloudFormation exports), so it deploys after it, can be redeployed freely, and
 * while it uses a table nothing can delete that table from under it. The flip side: to stop using a
 * table, deploy this stack first, then the data stack.
 *
 * <p>Order of construction, to keep the graph acyclic: the API (no function in it) → the
 * distribution (origin: the API's domain) → the functions (the waiting room gets the distribution's
 * URL) → the routes (API → functions) → triggers, deployments, dashboard.
 */
public final class ApiStack extends Stack {
    /** Context key of the bank adapter's base URL ({@code cdk deploy -c bankUrl=https://…}). */
    public static final String BANK_URL_CONTEXT = "bankUrl";
    /** Context key of the identity verifier's base URL ({@code cdk deploy -c verifierUrl=https://…}). */
    public static final String VERIFIER_URL_CONTEXT = "verifierUrl";
    /** The worker's variable ({@code HttpBankTransfers.URL_VARIABLE}; infra does not link the functions' classes). */
    static final String BANK_URL_VARIABLE = "BANK_URL";
    /** The signup worker's variable ({@code HttpIdentityVerifier.URL_VARIABLE}). */
    static final String VERIFIER_URL_VARIABLE = "VERIFIER_URL";
    /** ARN of the signing secret; the functions use the UTF-8 bytes of its SecretString as HMAC key. */
    static final String SIGNING_SECRET_ARN_VARIABLE = "SIGNING_SECRET_ARN";
    /** Base URL of the waiting page, {@code https://<distribution domain>/}. */
    static final String WAITING_PAGE_URL_VARIABLE = "WAITING_PAGE_URL";
    /** The live functions' callback URL ({@code ManagementApiSender.CALLBACK_URL_VARIABLE}). */
    static final String LIVE_CALLBACK_URL_VARIABLE = "LIVE_CALLBACK_URL";
    /** The live authorizer's token issuer and audience ({@code CognitoTokens}). */
    static final String USER_POOL_ISSUER_VARIABLE = "USER_POOL_ISSUER";
    static final String USER_POOL_CLIENT_ID_VARIABLE = "USER_POOL_CLIENT_ID";
    /** The functions that sign or check waiting-room tokens: they alone may read the signing secret. */
    static final List<FunctionDef> SIGNING_SECRET_USERS = List.of(Functions.WAITING_ROOM, Functions.SIGNUP);

    private final FunctionsConstruct functions;
    private final DeploymentsConstruct deployments;
    private final WaitingPageConstruct waitingPage;

    public ApiStack(Construct scope, String id, StackProps props, String stage, DataStack data, Code code) {
        this(scope, id, props, stage, data, code, WaitingPageConstruct.source(Path.of("")));
    }

    public ApiStack(Construct scope, String id, StackProps props, String stage, DataStack data, Code code,
                    Path waitingPageSource) {
        super(scope, id, props);
        // Exports/imports, said explicitly: CloudFormation then refuses to delete or replace a
        // table or queue this stack still uses, which is the point for money and audit data.
        CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
        UserPoolConstruct users = new UserPoolConstruct(this, "Users", stage);
        HttpApiConstruct api = new HttpApiConstruct(this, "HttpApi", stage, users,
                HttpApiConstruct.Throttle.fromContext(getNode().tryGetContext(HttpApiConstruct.THROTTLE_RATE_CONTEXT),
                        getNode().tryGetContext(HttpApiConstruct.THROTTLE_BURST_CONTEXT)));
        Object webAcl = getNode().tryGetContext(EdgeWafStack.WEB_ACL_ARN_CONTEXT);
        Object displayAuth = getNode().tryGetContext(DisplayAuthEdge.VERSION_ARN_CONTEXT);
        waitingPage = new WaitingPageConstruct(this, "WaitingPage", api.domainName(), waitingPageSource,
                webAcl == null || webAcl.toString().isBlank() ? null : webAcl.toString(),
                displayAuth == null || displayAuth.toString().isBlank() ? null : displayAuth.toString());
        users.opsConsoleAt(waitingPage.opsConsoleUrl());
        waitingPage.serveOpsConsole(waitingPageSource, users);
        LiveApiConstruct live = new LiveApiConstruct(this, "LiveApi", stage);

        Map<FunctionDef, Map<String, String>> settings = new LinkedHashMap<>(settings(
                getNode().tryGetContext(BANK_URL_CONTEXT), getNode().tryGetContext(VERIFIER_URL_CONTEXT)));
        for (FunctionDef def : SIGNING_SECRET_USERS) {
            add(settings, def, SIGNING_SECRET_ARN_VARIABLE, data.signingSecret().getSecretArn());
        }
        add(settings, Functions.WAITING_ROOM, WAITING_PAGE_URL_VARIABLE, waitingPage.url());
        add(settings, Functions.LIVE, LIVE_CALLBACK_URL_VARIABLE, live.callbackUrl());
        add(settings, Functions.LIVE_PUBLISHER, LIVE_CALLBACK_URL_VARIABLE, live.callbackUrl());
        add(settings, Functions.LIVE_AUTHORIZER, USER_POOL_ISSUER_VARIABLE, users.issuerUrl());
        add(settings, Functions.LIVE_AUTHORIZER, USER_POOL_CLIENT_ID_VARIABLE, users.client().getUserPoolClientId());
        functions = new FunctionsConstruct(this, "Functions", data, code, Functions.ALL, settings);
        for (FunctionDef def : SIGNING_SECRET_USERS) {
            functions.function(def).addToRolePolicy(PolicyStatement.Builder.create()
                    .actions(List.of("secretsmanager:GetSecretValue"))
                    .resources(List.of(data.signingSecret().getSecretArn()))
                    .build());
        }
        api.serve(functions, Routes.deployed(), Routes.DEFAULT_FUNCTION);
        live.serve(functions);
        TriggersConstruct triggers = new TriggersConstruct(this, "Triggers", data, functions,
                Triggers.QUEUES, Triggers.STREAMS, Triggers.SCHEDULES);
        deployments = new DeploymentsConstruct(this, "Deployments", stage, functions, triggers, data, api.api());
        new DashboardConstruct(this, "Dashboard", stage, api.api(), functions, data, triggers, deployments);
        suppressCdkInternals();

        CfnOutput.Builder.create(this, "ApiUrl").value(api.url()).description("HTTP API base URL").build();
        CfnOutput.Builder.create(this, "LiveUrl").value(live.url()).description("Live prices WebSocket API").build();
        CfnOutput.Builder.create(this, "WaitingPageUrl").value(waitingPage.url()).description("Waiting page (CloudFront)").build();
        CfnOutput.Builder.create(this, "UserPoolId").value(users.pool().getUserPoolId()).build();
        CfnOutput.Builder.create(this, "UserPoolClientId").value(users.client().getUserPoolClientId()).build();
        CfnOutput.Builder.create(this, "DisplayAuthIssuer").value(users.issuerUrl())
                .description("Pass to the edge stack: -c " + DisplayAuthEdge.ISSUER_CONTEXT + "=<this>").build();
        CfnOutput.Builder.create(this, "DisplayAuthAudiences").value(Fn.join(",", users.audiences()))
                .description("Pass to the edge stack: -c " + DisplayAuthEdge.AUDIENCES_CONTEXT + "=<this>").build();
        CfnOutput.Builder.create(this, "OpsConsoleUrl").value(waitingPage.opsConsoleUrl()).description("Ops console (CloudFront, Cognito sign-in)").build();
    }

    public FunctionsConstruct functions() {
        return functions;
    }

    public DeploymentsConstruct deployments() {
        return deployments;
    }

    public WaitingPageConstruct waitingPage() {
        return waitingPage;
    }

    /**
     * Function settings from context. Without {@code bankUrl} the withdrawal worker is deployed
     * without {@code BANK_URL}: it then pays nothing and every withdrawal stays PENDING with its cash
     * held (never lost, never paid twice) until the URL is configured. Likewise without
     * {@code verifierUrl} the signup worker verifies nobody and signups wait in their queue.
     */
    static Map<FunctionDef, Map<String, String>> settings(Object bankUrl) {
        return settings(bankUrl, null);
    }

    /** As {@link #settings(Object)}, and {@code verifierUrl} for the signup worker. */
    static Map<FunctionDef, Map<String, String>> settings(Object bankUrl, Object verifierUrl) {
        Map<FunctionDef, Map<String, String>> settings = new LinkedHashMap<>();
        if (bankUrl != null && !bankUrl.toString().isBlank()) {
            add(settings, Functions.WITHDRAWAL_WORKER, BANK_URL_VARIABLE, bankUrl.toString());
        }
        if (verifierUrl != null && !verifierUrl.toString().isBlank()) {
            add(settings, Functions.SIGNUP_WORKER, VERIFIER_URL_VARIABLE, verifierUrl.toString());
        }
        return settings;
    }

    private static void add(Map<FunctionDef, Map<String, String>> settings, FunctionDef def, String name, String value) {
        settings.computeIfAbsent(def, d -> new TreeMap<>()).put(name, value);
    }

    /**
     * cdk-nag findings on what CDK itself adds for {@code BucketDeployment} (a singleton Python
     * function that copies the page into the bucket during a deploy, never invoked otherwise).
     */
    private void suppressCdkInternals() {
        for (IConstruct child : getNode().getChildren()) {
            if (child.getNode().getId().startsWith("Custom::CDKBucketDeployment")) {
                NagSuppressions.addResourceSuppressions(child, List.of(
                        NagPackSuppression.builder()
                                .id("AwsSolutions-IAM4")
                                .reason("CDK's BucketDeployment handler logs through AWSLambdaBasicExecutionRole; it runs"
                                        + " only during a deploy, to copy the waiting page")
                                .appliesTo(List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"))
                                .build(),
                        NagPackSuppression.builder()
                                .id("AwsSolutions-IAM5")
                                .reason("CDK's BucketDeployment handler must read every object of its asset and write every"
                                        + " object of the site bucket (it syncs the whole directory); scoped to those two buckets")
                                .build(),
                        NagPackSuppression.builder()
                                .id("AwsSolutions-L1")
                                .reason("The runtime of CDK's BucketDeployment handler is chosen by aws-cdk-lib, not by us;"
                                        + " it follows with CDK upgrades")
                                .build()), true);
            }
        }
    }
}
