package dev.holdfast.infra;

import dev.holdfast.resources.FunctionDef;
import dev.holdfast.resources.Functions;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.services.cloudfront.CachePolicy;
import software.amazon.awscdk.services.cloudfront.OriginRequestPolicy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.holdfast.infra.TemplateLookup.ref;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The waiting page (S3 + CloudFront + the API paths it calls) and the signing secret's users, on the shared dev synth. */
class WaitingPageTest extends DevApiTemplate {
    private static final List<String> ALL_METHODS = List.of("GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE");

    @Test
    void theSiteBucketIsPrivateEncryptedVersionedAndTlsOnly() {
        String site = siteBucket();
        Map<String, Object> props = TemplateLookup.properties(template.findResources("AWS::S3::Bucket").get(site));
        assertEquals(Map.of("Status", "Enabled"), props.get("VersioningConfiguration"));
        assertEquals(Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true, "IgnorePublicAcls", true,
                "RestrictPublicBuckets", true), props.get("PublicAccessBlockConfiguration"));
        assertTrue(String.valueOf(props.get("BucketEncryption")).contains("AES256"), "encrypted: " + props.get("BucketEncryption"));
        assertTrue(props.containsKey("LoggingConfiguration"), "server access logs");
        Map<String, Object> policy = lookup.properties("AWS::S3::BucketPolicy", Map.of("Bucket", ref(site)));
        String statements = String.valueOf(policy.get("PolicyDocument"));
        assertTrue(statements.contains("aws:SecureTransport=false") && statements.contains("Effect=Deny"), statements);
        assertTrue(statements.contains("cloudfront.amazonaws.com") && statements.contains("AWS:SourceArn"),
                "only this distribution reads it (OAC): " + statements);
        assertEquals("Retain", template.findResources("AWS::S3::Bucket").get(site).get("DeletionPolicy"));
    }

    @Test
    void cloudFrontServesThePageOverHttpsOnlyThroughOriginAccessControl() {
        template.resourceCountIs("AWS::CloudFront::Distribution", 1);
        template.resourceCountIs("AWS::CloudFront::OriginAccessControl", 1);
        Map<String, Object> config = distributionConfig();
        assertEquals("index.html", config.get("DefaultRootObject"));
        @SuppressWarnings("unchecked")
        Map<String, Object> def = (Map<String, Object>) config.get("DefaultCacheBehavior");
        assertEquals("https-only", def.get("ViewerProtocolPolicy"));
        Map<String, Object> s3Origin = origin((String) def.get("TargetOriginId"));
        assertTrue(s3Origin.containsKey("OriginAccessControlId"), "OAC: " + s3Origin);
        assertTrue(String.valueOf(s3Origin.get("DomainName")).contains(siteBucket()), "the site bucket: " + s3Origin);
        assertTrue(config.containsKey("Logging"), "standard logs");
    }

    @Test
    void theApiPathsGoToTheHttpApiUncachedWithEverythingButHostAllButStatus() {
        List<Map<String, Object>> behaviors = TemplateLookup.listOfMaps(distributionConfig().get("CacheBehaviors"));
        List<String> apiPaths = List.of(WaitingPageConstruct.WAITING_ROOM_PATH, WaitingPageConstruct.SIGNUP_PATH,
                WaitingPageConstruct.ADMIN_PATH, WaitingPageConstruct.STATUS_PATH, WaitingPageConstruct.MARKETS_PATH);
        assertEquals(apiPaths, behaviors.stream().map(b -> b.get("PathPattern"))
                .filter(p -> !p.equals(WaitingPageConstruct.OPS_PATH)).toList());
        String api = lookup.logicalId("AWS::ApiGatewayV2::Api", Map.of("ProtocolType", "HTTP"));
        for (Map<String, Object> b : behaviors) {
            if (b.get("PathPattern").equals(WaitingPageConstruct.OPS_PATH)) {
                continue;
            }
            String path = (String) b.get("PathPattern");
            assertEquals("https-only", b.get("ViewerProtocolPolicy"), path);
            if (!path.equals(WaitingPageConstruct.STATUS_PATH)) { // cached: BulkheadsTemplateTest
                assertEquals(ALL_METHODS, b.get("AllowedMethods"), path);
                assertEquals(CachePolicy.CACHING_DISABLED.getCachePolicyId(), b.get("CachePolicyId"), path);
                assertEquals(OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.getOriginRequestPolicyId(),
                        b.get("OriginRequestPolicyId"), path);
            }
            Map<String, Object> origin = origin((String) b.get("TargetOriginId"));
            assertEquals(Map.of("Fn::Select", List.of(2, Map.of("Fn::Split", List.of("/",
                    Map.of("Fn::GetAtt", List.of(api, "ApiEndpoint")))))), origin.get("DomainName"), path);
            assertEquals(Map.of("OriginProtocolPolicy", "https-only", "OriginSSLProtocols", List.of("TLSv1.2")),
                    origin.get("CustomOriginConfig"), path);
        }
    }

    @Test
    void thePageIsCopiedFromTheSharedWebDirectory() {
        Path source = WaitingPageConstruct.source(Path.of(""));
        assertTrue(source.endsWith(WaitingPageConstruct.SOURCE), source.toString());
        assertTrue(Files.isRegularFile(source.resolve("index.html")), "index.html in " + source);
        template.hasResourceProperties("Custom::CDKBucketDeployment", Match.objectLike(Map.of(
                "DestinationBucketName", ref(siteBucket()),
                "SourceBucketNames", Match.anyValue())));
    }

    @Test
    void theWaitingRoomKnowsThePageUrl() {
        String distribution = lookup.logicalId("AWS::CloudFront::Distribution", Map.of());
        assertEquals(Map.of("Fn::Join", List.of("", List.of("https://",
                        Map.of("Fn::GetAtt", List.of(distribution, "DomainName")), "/"))),
                environment(Functions.WAITING_ROOM).get("WAITING_PAGE_URL"));
        template.hasOutput("WaitingPageUrl", Match.anyValue());
    }

    @Test
    void onlyTheWaitingRoomAndSignupReadTheSigningSecret() {
        for (FunctionDef def : Functions.ALL) {
            Object arn = environment(def).get("SIGNING_SECRET_ARN");
            String policies = LeastPrivilegeTest.statementsOf(template, def).toString();
            if (ApiStack.SIGNING_SECRET_USERS.contains(def)) {
                assertTrue(String.valueOf(arn).contains("waitingroomsigningkey"), def.id() + ": " + arn);
                List<Map<String, Object>> secretStatements = LeastPrivilegeTest.statementsOf(template, def).stream()
                        .filter(st -> String.valueOf(st.get("Action")).contains("secretsmanager")).toList();
                assertEquals(1, secretStatements.size(), def.id());
                assertEquals("secretsmanager:GetSecretValue", secretStatements.get(0).get("Action"));
                assertEquals(arn, secretStatements.get(0).get("Resource"), "that secret only");
            } else {
                assertEquals(null, arn, def.id());
                assertFalse(policies.contains("secretsmanager"), def.id() + " reads no secret");
            }
        }
    }

    @Test
    void everyBehaviorCarriesTheSameSecurityHeaders() {
        template.resourceCountIs("AWS::CloudFront::ResponseHeadersPolicy", 1);
        String policy = lookup.logicalId("AWS::CloudFront::ResponseHeadersPolicy", Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) lookup.properties("AWS::CloudFront::ResponseHeadersPolicy", Map.of())
                .get("ResponseHeadersPolicyConfig");
        assertEquals(Map.of(
                "StrictTransportSecurity", Map.of("AccessControlMaxAgeSec", 63072000, "IncludeSubdomains", true, "Override", true),
                "ContentTypeOptions", Map.of("Override", true),
                "FrameOptions", Map.of("FrameOption", "DENY", "Override", true),
                "ReferrerPolicy", Map.of("ReferrerPolicy", "no-referrer", "Override", true),
                "XSSProtection", Map.of("ModeBlock", true, "Protection", true, "Override", true)),
                config.get("SecurityHeadersConfig"));
        @SuppressWarnings("unchecked")
        Map<String, Object> def = (Map<String, Object>) distributionConfig().get("DefaultCacheBehavior");
        assertEquals(Map.of("Ref", policy), def.get("ResponseHeadersPolicyId"), "the waiting page");
        for (Map<String, Object> b : TemplateLookup.listOfMaps(distributionConfig().get("CacheBehaviors"))) {
            assertEquals(Map.of("Ref", policy), b.get("ResponseHeadersPolicyId"), String.valueOf(b.get("PathPattern")));
        }
    }

    @Test
    void theOpsConsoleIsServedFromTheSameBucketUncachedWithItsIndexFunction() {
        Map<String, Object> ops = TemplateLookup.listOfMaps(distributionConfig().get("CacheBehaviors")).stream()
                .filter(b -> b.get("PathPattern").equals(WaitingPageConstruct.OPS_PATH)).findFirst().orElseThrow();
        @SuppressWarnings("unchecked")
        Map<String, Object> def = (Map<String, Object>) distributionConfig().get("DefaultCacheBehavior");
        assertEquals(def.get("TargetOriginId"), ops.get("TargetOriginId"), "the site bucket, through the same OAC");
        assertEquals("https-only", ops.get("ViewerProtocolPolicy"));
        assertEquals(List.of("GET", "HEAD"), ops.get("AllowedMethods"));
        assertEquals(CachePolicy.CACHING_DISABLED.getCachePolicyId(), ops.get("CachePolicyId"), "never cached at the edge");
        List<Map<String, Object>> functions = TemplateLookup.listOfMaps(ops.get("FunctionAssociations"));
        assertEquals(1, functions.size());
        assertEquals("viewer-request", functions.get(0).get("EventType"));
        Map<String, Object> fn = lookup.properties("AWS::CloudFront::Function", Map.of());
        assertEquals(WaitingPageConstruct.OPS_INDEX_FUNCTION, fn.get("FunctionCode"));

        // its own deployment: the ops/ prefix, no-store, and a config naming the hosted UI and the console's client
        Map<String, Object> content = lookup.properties("Custom::CDKBucketDeployment",
                Map.of("DestinationBucketKeyPrefix", "ops/"));
        assertEquals(ref(siteBucket()), content.get("DestinationBucketName"));
        assertEquals(Map.of("cache-control", "no-store"), content.get("SystemMetadata"), "browsers never keep a console file");
        String markers = String.valueOf(content.get("SourceMarkers"));
        String opsClient = lookup.logicalId("AWS::Cognito::UserPoolClient", Map.of("AllowedOAuthFlows", List.of("code")));
        assertTrue(markers.contains(opsClient), "config.json carries the console's client id: " + markers);
        assertTrue(markers.contains("DomainName"), "and the console's address: " + markers);
        Map<String, Object> pageContent = lookup.properties("Custom::CDKBucketDeployment", Map.of("Exclude", List.of("ops/*")));
        assertEquals(ref(siteBucket()), pageContent.get("DestinationBucketName"), "the page's deployment leaves ops/ alone");
        template.hasOutput("OpsConsoleUrl", Match.anyValue());
    }

    @Test
    void theOpsConsoleHasItsOwnCognitoClientCodeGrantWithPkceAndIsAnApiAudience() {
        String distribution = lookup.logicalId("AWS::CloudFront::Distribution", Map.of());
        Map<String, Object> client = lookup.properties("AWS::Cognito::UserPoolClient", Map.of("AllowedOAuthFlows", List.of("code")));
        Object consoleUrl = Map.of("Fn::Join", List.of("", List.of("https://",
                Map.of("Fn::GetAtt", List.of(distribution, "DomainName")), "/ops/")));
        assertEquals(List.of(consoleUrl), client.get("CallbackURLs"), "one callback: the console");
        assertEquals(List.of(consoleUrl), client.get("LogoutURLs"));
        assertEquals(true, client.get("AllowedOAuthFlowsUserPoolClient"));
        assertEquals(false, client.get("GenerateSecret"), "a public client: PKCE, no secret in a browser");
        assertEquals(List.of("openid", "email", "profile"), client.get("AllowedOAuthScopes"));
        assertEquals(List.of("COGNITO"), client.get("SupportedIdentityProviders"));
        assertEquals(60, client.get("AccessTokenValidity"));
        assertEquals("ENABLED", client.get("PreventUserExistenceErrors"));
        template.resourceCountIs("AWS::Cognito::UserPoolDomain", 1);
        Map<String, Object> domain = lookup.properties("AWS::Cognito::UserPoolDomain", Map.of());
        assertTrue(String.valueOf(domain.get("Domain")).contains("ops-"), String.valueOf(domain.get("Domain")));

        // the API's JWT authorizer takes the console's tokens too
        String opsClient = lookup.logicalId("AWS::Cognito::UserPoolClient", Map.of("AllowedOAuthFlows", List.of("code")));
        Map<String, Object> authorizer = lookup.properties("AWS::ApiGatewayV2::Authorizer", Map.of("AuthorizerType", "JWT"));
        String audience = String.valueOf(((Map<?, ?>) authorizer.get("JwtConfiguration")).get("Audience"));
        assertTrue(audience.contains(opsClient), audience);
        assertEquals(2, ((List<?>) ((Map<?, ?>) authorizer.get("JwtConfiguration")).get("Audience")).size(), audience);
    }

    private static Map<String, Object> environment(FunctionDef def) {
        Map<String, Object> props = lookup.properties("AWS::Lambda::Function", Map.of("Handler", def.handler()));
        @SuppressWarnings("unchecked")
        Map<String, Object> vars = (Map<String, Object>) ((Map<String, Object>) props.get("Environment")).get("Variables");
        return vars;
    }

    private static String siteBucket() {
        return lookup.logicalId("AWS::S3::Bucket", Map.of("VersioningConfiguration", Map.of("Status", "Enabled")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> distributionConfig() {
        return (Map<String, Object>) lookup.properties("AWS::CloudFront::Distribution", Map.of()).get("DistributionConfig");
    }

    private static Map<String, Object> origin(String id) {
        return TemplateLookup.listOfMaps(distributionConfig().get("Origins")).stream()
                .filter(o -> id.equals(o.get("Id"))).findFirst().orElseThrow();
    }
}
