package dev.holdfast.infra;

import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.Functions;
import dev.holdfast.resources.QueueDef;
import dev.holdfast.resources.RouteDef;
import dev.holdfast.resources.Routes;
import dev.holdfast.resources.TableDef;
import dev.holdfast.resources.Triggers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.assertions.Match;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.holdfast.infra.TemplateLookup.ref;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The API stack against {@link Functions#ALL} and {@link Routes}: one synth for the class. */
class ApiStackTest extends DevApiTemplate {
    private static final String STAGE = DevStage.STAGE;

    static Stream<Arguments> deployedRoutes() {
        return Routes.deployed().stream().map(r -> arguments(named(r.routeKey(), r)));
    }

    @Test
    void theBankAndVerifierUrlsFromContextReachOnlyTheirWorkers() {
        assertEquals(Map.of(Functions.WITHDRAWAL_WORKER, Map.of("BANK_URL", "https://bank.example/api")),
                ApiStack.settings("https://bank.example/api", null));
        assertEquals(Map.of(Functions.SIGNUP_WORKER, Map.of("VERIFIER_URL", "https://verifier.example/v1")),
                ApiStack.settings(" ", "https://verifier.example/v1"));
        assertTrue(ApiStack.settings(null, null).isEmpty());
        assertTrue(ApiStack.settings(" ", "").isEmpty());
    }

    @Test
    void theVerifierUrlFromContextReachesOnlyTheSignupWorker() {
        assertEquals(Map.of(Functions.SIGNUP_WORKER, Map.of("VERIFIER_URL", "https://verify.example/v1")),
                ApiStack.settings(null, "https://verify.example/v1"));
        assertEquals(2, ApiStack.settings("https://bank.example/api", "https://verify.example/v1").size());
        assertTrue(ApiStack.settings(null, " ").isEmpty());
    }

    @Test
    void oneFunctionAndOneAliasPerDefinition() {
        // plus CDK's own BucketDeployment handler (Python), which copies the waiting page; and the deploy hooks
        int defined = Functions.ALL.size() + Functions.DEPLOY_HOOKS.size();
        assertEquals(defined, template.findResources("AWS::Lambda::Function",
                Match.objectLike(Map.of("Properties", Match.objectLike(Map.of("Runtime", "java21"))))).size());
        template.resourceCountIs("AWS::Lambda::Alias", defined);
    }

    @ParameterizedTest(name = "function {0}")
    @MethodSource("functions")
    void functionMatchesItsDefinition(FunctionDef def) {
        Map<String, Object> env = new LinkedHashMap<>();
        for (TableDef t : def.reads()) {
            env.put(t.envVar(), Match.anyValue());
        }
        for (TableDef t : def.writes()) {
            env.put(t.envVar(), Match.anyValue());
        }
        for (QueueDef q : def.sendsTo()) {
            env.put(q.envVar(), Match.anyValue());
        }
        env.put(dev.holdfast.resources.Naming.STAGE_VARIABLE, "dev"); // logs and metrics carry it (issue 19 #6)
        if (ApiStack.SIGNING_SECRET_USERS.contains(def)) {
            env.put("SIGNING_SECRET_ARN", Match.anyValue());
        }
        if (def.equals(Functions.WAITING_ROOM)) {
            env.put("WAITING_PAGE_URL", Match.anyValue());
        }
        if (def.equals(Functions.LIVE) || def.equals(Functions.LIVE_PUBLISHER)) {
            env.put(ApiStack.LIVE_CALLBACK_URL_VARIABLE, Match.anyValue());
        }
        if (def.equals(Functions.LIVE_AUTHORIZER)) {
            env.put(ApiStack.USER_POOL_ISSUER_VARIABLE, Match.anyValue());
            env.put(ApiStack.USER_POOL_CLIENT_ID_VARIABLE, Match.anyValue());
        }
        if (def.equals(Functions.PREPARER)) { // the scaled tables' names; it reads only the calendar (BulkheadsTemplateTest)
            PreScalingConstruct.scaledTables().forEach(t -> env.put(t.envVar(), Match.anyValue()));
            dev.holdfast.domain.capacity.PathCosts.PROVISIONED.values().forEach(f -> env.put(f.nameEnvVar(), Match.anyValue()));
        }
        Map<String, Object> props = lookup.properties("AWS::Lambda::Function", Map.of("Handler", def.handler()));
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", def.handler(),
                "Runtime", "java21",
                "Architectures", List.of("arm64"),
                "MemorySize", def.memoryMb(),
                "Timeout", def.timeoutSeconds(),
                "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
                "Environment", Map.of("Variables", Match.objectEquals(env)))));
        assertFalse(String.valueOf(props.get("Environment")).contains("JAVA_TOOL_OPTIONS"));
    }

    @ParameterizedTest(name = "function {0}")
    @MethodSource("functions")
    void functionHasALiveAliasOnAPublishedVersion(FunctionDef def) {
        String fn = functionId(def);
        String version = lookup.logicalId("AWS::Lambda::Version", Map.of("FunctionName", ref(fn)));
        lookup.logicalId("AWS::Lambda::Alias", Map.of(
                "FunctionName", ref(fn),
                "Name", FunctionsConstruct.ALIAS_NAME,
                "FunctionVersion", Map.of("Fn::GetAtt", List.of(version, "Version"))));
    }

    @Test
    void everyDefinedTriggerInvokesItsFunctionsAlias() {
        template.resourceCountIs("AWS::Lambda::EventSourceMapping", Triggers.QUEUES.size() + Triggers.STREAMS.size());
        template.resourceCountIs("AWS::Events::Rule", Triggers.SCHEDULES.size());
        for (Triggers.QueueTrigger t : Triggers.QUEUES) {
            assertTrue(lookup.eventSourceMappingsTo(aliasId(t.function())).stream().anyMatch(m ->
                    m.get("StartingPosition") == null
                            && Integer.valueOf(t.batchSize()).equals(m.get("BatchSize"))
                            && List.of("ReportBatchItemFailures").equals(m.get("FunctionResponseTypes"))),
                    "queue " + t.queue().id() + " -> " + t.function().id());
        }
        for (Triggers.StreamTrigger t : Triggers.STREAMS) {
            assertTrue(lookup.eventSourceMappingsTo(aliasId(t.function())).stream().anyMatch(m ->
                    Integer.valueOf(t.batchSize()).equals(m.get("BatchSize"))
                            && Integer.valueOf(t.maxRetries()).equals(m.get("MaximumRetryAttempts"))
                            && Boolean.TRUE.equals(m.get("BisectBatchOnFunctionError"))
                            && List.of("ReportBatchItemFailures").equals(m.get("FunctionResponseTypes"))),
                    "stream " + t.table().id() + " -> " + t.function().id());
        }
        for (Triggers.ScheduleTrigger t : Triggers.SCHEDULES) {
            int minutes = Math.max(1, t.everySeconds() / 60);
            template.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of(
                    "ScheduleExpression", minutes == 1 ? "rate(1 minute)" : "rate(" + minutes + " minutes)",
                    "Targets", List.of(Match.objectLike(Map.of(
                            "Arn", ref(aliasId(t.function())),
                            "Input", Match.serializedJson(Map.of(
                                    "everySeconds", t.everySeconds(), "ticks", Math.max(1, 60 / t.everySeconds())))))))));
        }
    }

    @ParameterizedTest(name = "route {0}")
    @MethodSource("deployedRoutes")
    void routeIsIntegratedWithItsFunctionsAlias(RouteDef route) {
        String expectedAuth = route.access().needsToken() ? "JWT" : "NONE";
        Map<String, Object> props = lookup.properties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", route.routeKey()));
        assertEquals(expectedAuth, props.get("AuthorizationType"), "AuthorizationType");
        if (route.access().needsToken()) {
            assertEquals(ref(authorizerId()), props.get("AuthorizerId"));
        }
        assertEquals(aliasId(route.function()), integratedAlias(props.get("Target")));
    }

    @Test
    void defaultRouteServesUnknownRoutesWithoutAuthorizer() {
        Map<String, Object> props = lookup.properties("AWS::ApiGatewayV2::Route",
                Map.of("RouteKey", Routes.DEFAULT_ROUTE_KEY, "ApiId", ref(httpApiId())));
        assertEquals("NONE", props.get("AuthorizationType"));
        assertEquals(aliasId(Routes.DEFAULT_FUNCTION), integratedAlias(props.get("Target")));
    }

    /** The HTTP API (the stack also holds the live WebSocket API, tested in LiveApiStackTest). */
    static String httpApiId() {
        return lookup.logicalId("AWS::ApiGatewayV2::Api", Map.of("ProtocolType", "HTTP"));
    }

    @Test
    void onlyDeployedRoutesAndDefaultExistAndNothingLocal() {
        Map<String, Map<String, Object>> routes = template.findResources("AWS::ApiGatewayV2::Route",
                Match.objectLike(Map.of("Properties", Match.objectLike(Map.of("ApiId", ref(httpApiId()))))));
        assertEquals(Routes.deployed().size() + 1, routes.size());
        for (Map<String, Object> r : routes.values()) {
            String key = (String) TemplateLookup.properties(r).get("RouteKey");
            assertFalse(key.contains("/local/"), key);
            assertTrue(key.equals(Routes.DEFAULT_ROUTE_KEY) || Routes.byKey(key).map(RouteDef::deployed).orElse(false), key);
        }
    }

    @Test
    void jwtAuthorizerTrustsTheUserPoolAndItsClient() {
        String pool = lookup.logicalId("AWS::Cognito::UserPool", Map.of());
        String client = lookup.logicalId("AWS::Cognito::UserPoolClient", Map.of("UserPoolId", ref(pool),
                "ClientName", Match.stringLikeRegexp(".*api")));
        String opsClient = lookup.logicalId("AWS::Cognito::UserPoolClient", Map.of("UserPoolId", ref(pool),
                "ClientName", Match.stringLikeRegexp(".*ops-console")));
        Map<String, Object> props = lookup.properties("AWS::ApiGatewayV2::Authorizer", Map.of("AuthorizerType", "JWT"));
        assertEquals(List.of("$request.header.Authorization"), props.get("IdentitySource"));
        @SuppressWarnings("unchecked")
        Map<String, Object> jwt = (Map<String, Object>) props.get("JwtConfiguration");
        assertEquals(List.of(ref(client), ref(opsClient)), jwt.get("Audience"), "the app's client and the ops console's");
        assertTrue(String.valueOf(jwt.get("Issuer")).contains(pool), "issuer names the pool: " + jwt.get("Issuer"));
        // the app's client has no OAuth (no hosted UI); the console's is checked in WaitingPageTest
        Map<String, Object> app = lookup.properties("AWS::Cognito::UserPoolClient", Map.of("UserPoolId", ref(pool),
                "ClientName", Match.stringLikeRegexp(".*api")));
        assertEquals(false, app.get("GenerateSecret"));
        assertFalse(app.containsKey("AllowedOAuthFlows"), String.valueOf(app));
        assertFalse(app.containsKey("CallbackURLs"), String.valueOf(app));
    }

    @Test
    void userPoolIsRetainedWithoutSelfSignUpAndHasAdminGroup() {
        template.hasResource("AWS::Cognito::UserPool", Match.objectLike(Map.of(
                "DeletionPolicy", "Retain",
                "UpdateReplacePolicy", "Retain",
                "Properties", Match.objectLike(Map.of(
                        "AdminCreateUserConfig", Map.of("AllowAdminCreateUserOnly", true))))));
        template.hasResourceProperties("AWS::Cognito::UserPoolGroup",
                Map.of("GroupName", UserPoolConstruct.ADMIN_GROUP, "UserPoolId", Match.anyValue(),
                        "Description", Match.anyValue()));
    }

    @Test
    void signInNeedsAStrongPasswordAndTotp() {
        template.hasResourceProperties("AWS::Cognito::UserPool", Match.objectLike(Map.of(
                "MfaConfiguration", "ON",
                "EnabledMfas", List.of("SOFTWARE_TOKEN_MFA"),
                "Policies", Map.of("PasswordPolicy", Match.objectLike(Map.of(
                        "MinimumLength", UserPoolConstruct.MIN_PASSWORD_LENGTH,
                        "RequireLowercase", true, "RequireUppercase", true,
                        "RequireNumbers", true, "RequireSymbols", true))))));
    }

    @Test
    void everyRequestIsWrittenToARetainedAccessLog() {
        Map<String, Object> stage = lookup.properties("AWS::ApiGatewayV2::Stage", Map.of("StageName", "$default"));
        @SuppressWarnings("unchecked")
        Map<String, Object> logs = (Map<String, Object>) stage.get("AccessLogSettings");
        assertEquals(HttpApiConstruct.ACCESS_LOG_FORMAT, logs.get("Format"));
        String group = (String) ((List<?>) ((Map<?, ?>) logs.get("DestinationArn")).get("Fn::GetAtt")).get(0);
        Map<String, Object> logGroup = template.findResources("AWS::Logs::LogGroup").get(group);
        assertEquals("Retain", logGroup.get("DeletionPolicy"));
    }

    @Test
    void everyFunctionLogsToItsOwnRetainedLogGroup() {
        for (FunctionDef def : Functions.ALL) {
            Map<String, Object> props = lookup.properties("AWS::Lambda::Function", Map.of("Handler", def.handler()));
            @SuppressWarnings("unchecked")
            String group = ((Map<String, String>) ((Map<String, Object>) props.get("LoggingConfig")).get("LogGroup")).get("Ref");
            Map<String, Object> logGroup = template.findResources("AWS::Logs::LogGroup").get(group);
            assertEquals("Retain", logGroup.get("DeletionPolicy"), def.id());
            assertEquals(365, TemplateLookup.properties(logGroup).get("RetentionInDays"), def.id());
        }
    }

    @Test
    void nothingThatKeepsRecordsCanBeDeletedWithTheStack() {
        // the stream's on-failure queue, the logs, the page buckets and the user pool outlive any
        // rollback or stack deletion; only stateless resources go with the stack
        for (String type : List.of("AWS::SQS::Queue", "AWS::Logs::LogGroup", "AWS::S3::Bucket", "AWS::Cognito::UserPool")) {
            Map<String, Map<String, Object>> found = template.findResources(type);
            assertFalse(found.isEmpty(), type);
            found.forEach((id, r) -> {
                assertEquals("Retain", r.get("DeletionPolicy"), type + " " + id);
                assertEquals("Retain", r.get("UpdateReplacePolicy"), type + " " + id);
            });
        }
    }

    @Test
    void throttleComesFromContextWithDefaults() {
        assertEquals(new HttpApiConstruct.Throttle(HttpApiConstruct.THROTTLE_RATE_PER_SECOND, HttpApiConstruct.THROTTLE_BURST),
                HttpApiConstruct.Throttle.fromContext(null, " "));
        assertEquals(new HttpApiConstruct.Throttle(8000, 4000), HttpApiConstruct.Throttle.fromContext("8000", 4000));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> HttpApiConstruct.Throttle.fromContext("fast", null));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> HttpApiConstruct.Throttle.fromContext("0", null));
    }

    @Test
    void defaultStageIsThrottledAndUrlIsOutput() {
        template.hasResourceProperties("AWS::ApiGatewayV2::Stage", Match.objectLike(Map.of(
                "StageName", "$default",
                "AutoDeploy", true,
                "DefaultRouteSettings", Map.of(
                        "ThrottlingRateLimit", HttpApiConstruct.THROTTLE_RATE_PER_SECOND,
                        "ThrottlingBurstLimit", HttpApiConstruct.THROTTLE_BURST))));
        template.hasOutput("ApiUrl", Match.anyValue());
    }

    private static String functionId(FunctionDef def) {
        return lookup.logicalId("AWS::Lambda::Function", Map.of("Handler", def.handler()));
    }

    private static String aliasId(FunctionDef def) {
        return lookup.logicalId("AWS::Lambda::Alias", Map.of("FunctionName", ref(functionId(def))));
    }

    private static String authorizerId() {
        return lookup.logicalId("AWS::ApiGatewayV2::Authorizer", Map.of("AuthorizerType", "JWT"));
    }

    /** The alias a route's target integration invokes: {@code integrations/<Ref>} to a {@code Ref} of an alias. */
    @SuppressWarnings("unchecked")
    private static String integratedAlias(Object target) {
        List<Object> join = (List<Object>) ((Map<String, Object>) target).get("Fn::Join");
        List<Object> parts = (List<Object>) join.get(1);
        assertEquals("integrations/", parts.get(0));
        String integration = (String) ((Map<String, Object>) parts.get(1)).get("Ref");
        Map<String, Object> props = TemplateLookup.properties(
                template.findResources("AWS::ApiGatewayV2::Integration").get(integration));
        assertEquals("AWS_PROXY", props.get("IntegrationType"));
        Object uri = props.get("IntegrationUri");
        assertTrue(uri instanceof Map<?, ?> m && m.containsKey("Ref"), "integration must invoke an alias: " + uri);
        return (String) ((Map<String, Object>) uri).get("Ref");
    }
}
