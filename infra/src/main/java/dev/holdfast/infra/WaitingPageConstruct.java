package dev.holdfast.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudfront.AddBehaviorOptions;
import software.amazon.awscdk.services.cloudfront.AllowedMethods;
import software.amazon.awscdk.services.cloudfront.FunctionCode;
import software.amazon.awscdk.services.cloudfront.FunctionEventType;
import software.amazon.awscdk.services.cloudfront.FunctionAssociation;
import software.amazon.awscdk.services.cloudfront.FunctionRuntime;
import software.amazon.awscdk.services.cloudfront.HeadersFrameOption;
import software.amazon.awscdk.services.cloudfront.HeadersReferrerPolicy;
import software.amazon.awscdk.services.cloudfront.IOrigin;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersContentTypeOptions;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersFrameOptions;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersPolicy;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersReferrerPolicy;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersStrictTransportSecurity;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersXSSProtection;
import software.amazon.awscdk.services.cloudfront.ResponseSecurityHeadersBehavior;
import software.amazon.awscdk.services.cloudfront.BehaviorOptions;
import software.amazon.awscdk.services.cloudfront.CacheCookieBehavior;
import software.amazon.awscdk.services.cloudfront.CacheHeaderBehavior;
import software.amazon.awscdk.services.cloudfront.CachePolicy;
import software.amazon.awscdk.services.cloudfront.CacheQueryStringBehavior;
import software.amazon.awscdk.services.cloudfront.CachedMethods;
import software.amazon.awscdk.services.cloudfront.EdgeLambda;
import software.amazon.awscdk.services.cloudfront.LambdaEdgeEventType;
import software.amazon.awscdk.services.cloudfront.OriginRequestCookieBehavior;
import software.amazon.awscdk.services.cloudfront.OriginRequestHeaderBehavior;
import software.amazon.awscdk.services.cloudfront.OriginRequestQueryStringBehavior;
import software.amazon.awscdk.services.lambda.IVersion;
import software.amazon.awscdk.services.lambda.Version;
import software.amazon.awscdk.services.cloudfront.Distribution;
import software.amazon.awscdk.services.cloudfront.HttpVersion;
import software.amazon.awscdk.services.cloudfront.OriginProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.OriginRequestPolicy;
import software.amazon.awscdk.services.cloudfront.OriginSslPolicy;
import software.amazon.awscdk.services.cloudfront.PriceClass;
import software.amazon.awscdk.services.cloudfront.ViewerProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.origins.HttpOrigin;
import software.amazon.awscdk.services.cloudfront.origins.S3BucketOrigin;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.deployment.BucketDeployment;
import software.amazon.awscdk.services.s3.deployment.CacheControl;
import software.amazon.awscdk.services.s3.deployment.Source;
import software.constructs.Construct;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The waiting page: a private S3 bucket behind CloudFront, filled from
 * {@code shared/src/main/resources/web/} on every deploy, and the API paths the page calls routed
 * through the same distribution so that the page talks to the API same-origin (no CORS, one host
 * for people to trust).
 *
 * <ul>
 *   <li>Bucket: no public access, S3-managed encryption, TLS only, versioned (a bad page can be
 *       rolled back object by object), read by CloudFront alone through origin access control.</li>
 *   <li>Distribution: HTTPS only, {@code index.html} at the root, cached {@value #PAGE_TTL_SECONDS} s. {@value #WAITING_ROOM_PATH} and
 *       {@value #SIGNUP_PATH} go to the HTTP API: no caching (tickets and tokens are per person),
 *       every method, and everything the viewer sent except {@code Host} (API Gateway routes by its
 *       own host name) — with caching disabled, that includes {@code Authorization} and the query
 *       string. {@value #STATUS_PATH} is the exception: {@code GET}/{@code HEAD} only, cached
 *       {@value #STATUS_TTL_SECONDS} s at every edge and keyed on nothing (no header, cookie or query
 *       string reaches the API), so the notice stays readable when everything behind it is
 *       saturated.</li>
 *   <li>Security headers on every answer, page and API alike ({@link #securityHeaders()}): HSTS
 *       (two years, subdomains), {@code X-Content-Type-Options: nosniff}, {@code X-Frame-Options:
 *       DENY}, {@code Referrer-Policy: no-referrer}, {@code X-XSS-Protection: 1; mode=block}; each page
 *       carries its own Content-Security-Policy.</li>
 *   <li>The ops console ({@link #serveOpsConsole}): {@value #OPS_PATH} from the {@code ops/} prefix of
 *       the same bucket, uncached at the edge and {@code Cache-Control: no-store} in browsers (it must
 *       never show a stale trading mode), with the same security headers; the admin API paths it
 *       calls ({@value #ADMIN_PATH}, {@value #STATUS_PATH}, {@value #MARKETS_PATH}) go to the HTTP API
 *       as the waiting page's do, so the console too talks to the API same-origin.</li>
 *   <li>Logs: the bucket's server access logs and CloudFront's standard logs go to a log bucket,
 *       kept {@value #LOG_DAYS} days.</li>
 * </ul>
 */
public final class WaitingPageConstruct extends Construct {
    public static final String WAITING_ROOM_PATH = "/waiting-room/*";
    public static final String SIGNUP_PATH = "/signup*";
    public static final String ADMIN_PATH = "/admin/*";
    public static final String STATUS_PATH = "/status";
    public static final String MARKETS_PATH = "/markets*";
    /** The console's files; {@code /ops} itself redirects to {@code /ops/}. */
    public static final String OPS_PATH = "/ops*";
    /** The ops console's files, relative to the page's directory (and the key prefix in the bucket). */
    static final String OPS_DIR = "ops";
    static final int LOG_DAYS = 365;
    /**
     * How long edges keep the page: a new page is live everywhere within a minute of a deploy
     * without an invalidation (which would need {@code cloudfront:CreateInvalidation} on every
     * distribution of the account), and a surge still hits S3 about once a minute per edge.
     */
    static final int PAGE_TTL_SECONDS = 60;
    /**
     * How long edges keep {@code GET /status} (minimum, default and maximum alike, so the origin's
     * {@code Cache-Control} cannot shorten it): the notice is at most this old.
     */
    static final int STATUS_TTL_SECONDS = 1;

    /** Where the page's files live, relative to the repository root. */
    static final Path SOURCE = Path.of("shared", "src", "main", "resources", "web");

    private final Distribution distribution;
    private final Bucket site;
    private final IOrigin siteOrigin;
    private final ResponseHeadersPolicy headers;

    /**
     * @param apiDomain the HTTP API's host name ({@link HttpApiConstruct#domainName()})
     * @param source    the directory holding the page ({@link #source(Path)})
     */
    public WaitingPageConstruct(Construct scope, String id, String apiDomain, Path source) {
        this(scope, id, apiDomain, source, null);
    }

    /**
     * @param webAclArn the edge stack's WAF web ACL ({@link EdgeWafStack}), or {@code null} for none yet
     */
    public WaitingPageConstruct(Construct scope, String id, String apiDomain, Path source, String webAclArn) {
        this(scope, id, apiDomain, source, webAclArn, null);
    }

    /**
     * @param displayAuthVersionArn the edge stack's display-read token check ({@link DisplayAuthEdge}), or
     *                              {@code null}: then {@value #MARKETS_PATH} is not cached at the edge
     */
    public WaitingPageConstruct(Construct scope, String id, String apiDomain, Path source, String webAclArn,
                                String displayAuthVersionArn) {
        super(scope, id);
        Bucket logs = Bucket.Builder.create(this, "Logs")
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                // CloudFront's standard logs are written with ACLs: the bucket must accept them
                .objectOwnership(ObjectOwnership.OBJECT_WRITER)
                .lifecycleRules(List.of(LifecycleRule.builder().expiration(Duration.days(LOG_DAYS)).build()))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        NagSuppressions.addResourceSuppressions(logs, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-S1")
                .reason("This is the access-log bucket itself; logging it into itself would log every log delivery forever")
                .build()));

        site = Bucket.Builder.create(this, "Site")
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .versioned(true)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .serverAccessLogsBucket(logs)
                .serverAccessLogsPrefix("site/")
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();

        HttpOrigin api = HttpOrigin.Builder.create(apiDomain)
                .protocolPolicy(OriginProtocolPolicy.HTTPS_ONLY)
                .originSslProtocols(List.of(OriginSslPolicy.TLS_V1_2))
                .build();
        headers = ResponseHeadersPolicy.Builder.create(this, "SecurityHeaders")
                .comment("Holdfast pages and API paths: HSTS, nosniff, no framing, no referrer")
                .securityHeadersBehavior(securityHeaders())
                .build();
        BehaviorOptions toApi = BehaviorOptions.builder()
                .origin(api)
                .viewerProtocolPolicy(ViewerProtocolPolicy.HTTPS_ONLY)
                .allowedMethods(AllowedMethods.ALLOW_ALL)
                .cachePolicy(CachePolicy.CACHING_DISABLED)
                .originRequestPolicy(OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER)
                .responseHeadersPolicy(headers)
                .build();
        Map<String, BehaviorOptions> apiPaths = new LinkedHashMap<>();
        apiPaths.put(WAITING_ROOM_PATH, toApi);
        apiPaths.put(SIGNUP_PATH, toApi);
        apiPaths.put(ADMIN_PATH, toApi);
        // GET /status: cached at the edge for STATUS_TTL_SECONDS, keyed on nothing (no header, cookie or
        // query string: it is the same notice for everyone), so it stays readable when everything
        // behind it is saturated; each edge asks the API at most once a second.
        apiPaths.put(STATUS_PATH, BehaviorOptions.builder()
                .origin(api)
                .viewerProtocolPolicy(ViewerProtocolPolicy.HTTPS_ONLY)
                .allowedMethods(AllowedMethods.ALLOW_GET_HEAD)
                .cachedMethods(CachedMethods.CACHE_GET_HEAD)
                .cachePolicy(CachePolicy.Builder.create(this, "StatusCache")
                        .comment("GET /status: one answer for everyone, at most " + STATUS_TTL_SECONDS + " s old")
                        .minTtl(Duration.seconds(STATUS_TTL_SECONDS))
                        .defaultTtl(Duration.seconds(STATUS_TTL_SECONDS))
                        .maxTtl(Duration.seconds(STATUS_TTL_SECONDS))
                        .headerBehavior(CacheHeaderBehavior.none())
                        .cookieBehavior(CacheCookieBehavior.none())
                        .queryStringBehavior(CacheQueryStringBehavior.none())
                        .enableAcceptEncodingGzip(true)
                        .enableAcceptEncodingBrotli(true)
                        .build())
                .responseHeadersPolicy(headers)
                .build());
        apiPaths.put(MARKETS_PATH, displayAuthVersionArn == null ? toApi : displayReads(api, displayAuthVersionArn));
        siteOrigin = S3BucketOrigin.withOriginAccessControl(site);

        distribution = Distribution.Builder.create(this, "Distribution")
                .comment("Holdfast waiting page and the API paths it calls")
                .defaultRootObject("index.html")
                .defaultBehavior(BehaviorOptions.builder()
                        .origin(siteOrigin)
                        .viewerProtocolPolicy(ViewerProtocolPolicy.HTTPS_ONLY)
                        .allowedMethods(AllowedMethods.ALLOW_GET_HEAD)
                        .responseHeadersPolicy(headers)
                        .cachePolicy(CachePolicy.Builder.create(this, "PageCache")
                                .comment("The waiting page: edges keep it at most " + PAGE_TTL_SECONDS + " s")
                                .defaultTtl(Duration.seconds(PAGE_TTL_SECONDS))
                                .maxTtl(Duration.seconds(PAGE_TTL_SECONDS))
                                .minTtl(Duration.seconds(0))
                                .enableAcceptEncodingGzip(true)
                                .enableAcceptEncodingBrotli(true)
                                .build())
                        .build())
                .additionalBehaviors(apiPaths)
                .httpVersion(HttpVersion.HTTP2_AND_3)
                .priceClass(PriceClass.PRICE_CLASS_100)
                .enableLogging(true)
                .logBucket(logs)
                .logFilePrefix("cloudfront/")
                .webAclId(webAclArn)
                .build();
        List<NagPackSuppression> suppressions = new java.util.ArrayList<>(List.of(
                NagPackSuppression.builder()
                        .id("AwsSolutions-CFR1")
                        .reason("Which countries may sign up is a licensing decision enforced by identity verification at"
                                + " signup, not by the CDN; a geo restriction here would only hide the page")
                        .build()));
        if (webAclArn == null) {
            suppressions.add(NagPackSuppression.builder()
                    .id("AwsSolutions-CFR2")
                    .reason("The WAF web ACL lives in the us-east-1 edge stack (EdgeWafStack) and is attached with"
                            + " -c edgeWebAclArn=<its WebAclArn output>; until then the waiting room's own per-device and"
                            + " per-address limits and the stage throttle protect the API")
                    .build());
        }
        suppressions.add(
                NagPackSuppression.builder()
                        .id("AwsSolutions-CFR4")
                        .reason("No custom domain yet: the default *.cloudfront.net certificate cannot pin a minimum TLS"
                                + " version; origins are reached over TLS 1.2 only")
                        .build());
        NagSuppressions.addResourceSuppressions(distribution, suppressions);

        // no `distribution` here: an invalidation needs cloudfront:CreateInvalidation on "*"; the
        // page's short TTL makes a new page reach every edge within a minute anyway
        BucketDeployment.Builder.create(this, "Content")
                .sources(List.of(Source.asset(source.toString())))
                .destinationBucket(site)
                // the console has its own deployment (its config, no-store); excluded keys are not pruned
                .exclude(List.of(OPS_DIR + "/*"))
                .build();
    }

    /** Query parameters of the display reads, the only part of a request besides its path in the cache key. */
    static final List<String> DISPLAY_QUERY = List.of("state", "limit", "cursor");
    /** The display reads' longest edge lifetime, as the contract's {@code Cache-Control} (at most 1 s). */
    static final int DISPLAY_TTL_SECONDS = 1;

    /**
     * {@value #MARKETS_PATH} cached at the edge for everyone: the cache key is the path and
     * {@link #DISPLAY_QUERY} only (nothing user-specific: no header, no cookie), TTL up to
     * {@value #DISPLAY_TTL_SECONDS} s as the origin's {@code Cache-Control} says, {@code If-None-Match}
     * answered by CloudFront from the cached {@code ETag}. The token is still checked on every request
     * by the Lambda@Edge {@link DisplayAuthEdge} (viewer request), which hands it to the origin through
     * {@code X-Holdfast-Viewer-Token} — the one header the origin request policy forwards — and puts it
     * back as {@code Authorization} on a miss (origin request), for the HTTP API's authorizer.
     */
    private BehaviorOptions displayReads(IOrigin api, String versionArn) {
        IVersion check = Version.fromVersionArn(this, "DisplayAuth", versionArn);
        return BehaviorOptions.builder()
                .origin(api)
                .viewerProtocolPolicy(ViewerProtocolPolicy.HTTPS_ONLY)
                .allowedMethods(AllowedMethods.ALLOW_GET_HEAD_OPTIONS)
                .cachePolicy(CachePolicy.Builder.create(this, "DisplayReadsCache")
                        .comment("GET /markets*: path and state/limit/cursor only, at most " + DISPLAY_TTL_SECONDS + " s")
                        .defaultTtl(Duration.seconds(DISPLAY_TTL_SECONDS))
                        .maxTtl(Duration.seconds(DISPLAY_TTL_SECONDS))
                        .minTtl(Duration.seconds(0))
                        .headerBehavior(CacheHeaderBehavior.none())
                        .cookieBehavior(CacheCookieBehavior.none())
                        .queryStringBehavior(CacheQueryStringBehavior.allowList(DISPLAY_QUERY.toArray(String[]::new)))
                        .enableAcceptEncodingGzip(true)
                        .enableAcceptEncodingBrotli(true)
                        .build())
                .originRequestPolicy(OriginRequestPolicy.Builder.create(this, "DisplayReadsOrigin")
                        .comment("GET /markets*: the edge-checked token for the API's authorizer, and the query")
                        .headerBehavior(OriginRequestHeaderBehavior.allowList(VIEWER_TOKEN_HEADER))
                        .cookieBehavior(OriginRequestCookieBehavior.none())
                        .queryStringBehavior(OriginRequestQueryStringBehavior.allowList(DISPLAY_QUERY.toArray(String[]::new)))
                        .build())
                .edgeLambdas(List.of(
                        EdgeLambda.builder().eventType(LambdaEdgeEventType.VIEWER_REQUEST).functionVersion(check).build(),
                        EdgeLambda.builder().eventType(LambdaEdgeEventType.ORIGIN_REQUEST).functionVersion(check).build()))
                .responseHeadersPolicy(headers)
                .build();
    }

    /** The header the edge check hands the verified token to the origin in (see {@link DisplayAuthEdge}). */
    static final String VIEWER_TOKEN_HEADER = "X-Holdfast-Viewer-Token";

    /** The security headers of every answer of the distribution. */
    static ResponseSecurityHeadersBehavior securityHeaders() {
        return ResponseSecurityHeadersBehavior.builder()
                .strictTransportSecurity(ResponseHeadersStrictTransportSecurity.builder()
                        .accessControlMaxAge(Duration.days(730)).includeSubdomains(true).override(true).build())
                .contentTypeOptions(ResponseHeadersContentTypeOptions.builder().override(true).build())
                .frameOptions(ResponseHeadersFrameOptions.builder().frameOption(HeadersFrameOption.DENY).override(true).build())
                .referrerPolicy(ResponseHeadersReferrerPolicy.builder().referrerPolicy(HeadersReferrerPolicy.NO_REFERRER).override(true).build())
                .xssProtection(ResponseHeadersXSSProtection.builder().protection(true).modeBlock(true).override(true).build())
                .build();
    }

    /** {@code https://<distribution domain>/ops/}: the ops console. */
    public String opsConsoleUrl() {
        return url() + OPS_DIR + "/";
    }

    /**
     * The ops console: its files from {@code <source>/ops} under the bucket's {@code ops/} prefix,
     * with a {@code config.json} that names the hosted UI and the console's app client, all stored
     * with {@code Cache-Control: no-store}; the {@value #OPS_PATH} behavior serves them uncached, with
     * the page's security headers, {@code /ops/} answered with {@code /ops/index.html} by a
     * CloudFront Function.
     */
    public void serveOpsConsole(Path source, UserPoolConstruct users) {
        software.amazon.awscdk.services.cloudfront.Function index = software.amazon.awscdk.services.cloudfront.Function.Builder
                .create(this, "OpsIndex")
                .comment("The ops console: /ops redirects to /ops/, a directory answers with its index.html")
                .runtime(FunctionRuntime.JS_2_0)
                .code(FunctionCode.fromInline(OPS_INDEX_FUNCTION))
                .build();
        distribution.addBehavior(OPS_PATH, siteOrigin, AddBehaviorOptions.builder()
                .viewerProtocolPolicy(ViewerProtocolPolicy.HTTPS_ONLY)
                .allowedMethods(AllowedMethods.ALLOW_GET_HEAD)
                .cachePolicy(CachePolicy.CACHING_DISABLED)
                .responseHeadersPolicy(headers)
                .functionAssociations(List.of(FunctionAssociation.builder()
                        .eventType(FunctionEventType.VIEWER_REQUEST).function(index).build()))
                .build());
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("auth", "cognito");
        config.put("authBase", users.hostedUiUrl());
        config.put("clientId", users.opsClient().getUserPoolClientId());
        config.put("redirectUri", opsConsoleUrl());
        BucketDeployment.Builder.create(this, "OpsConsoleContent")
                .sources(List.of(Source.asset(source.resolve(OPS_DIR).toString()), Source.jsonData("config.json", config)))
                .destinationBucket(site)
                .destinationKeyPrefix(OPS_DIR + "/")
                .cacheControl(List.of(CacheControl.fromString(OPS_CACHE_CONTROL)))
                .build();
    }

    static final String OPS_CACHE_CONTROL = "no-store";
    static final String OPS_INDEX_FUNCTION = "function handler(event) {\n"
            + "  var r = event.request;\n"
            + "  if (r.uri === '/ops') {\n"
            + "    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/ops/' } } };\n"
            + "  }\n"
            + "  if (r.uri.endsWith('/')) { r.uri += 'index.html'; }\n"
            + "  return r;\n"
            + "}\n";

    /** {@code https://<distribution domain>/}: the address of the page, and the base of cohort links. */
    public String url() {
        return "https://" + distribution.getDistributionDomainName() + "/";
    }

    public Distribution distribution() {
        return distribution;
    }

    public Bucket site() {
        return site;
    }

    /**
     * The page's directory: {@link #SOURCE} under {@code workingDir} or its parent (the CDK CLI runs
     * the app from {@code infra/}, tests and IDEs may run it from the repository root).
     */
    public static Path source(Path workingDir) {
        return underRepository(workingDir, SOURCE, "waiting page");
    }

    /**
     * The directory {@code relative} to the repository root, found under {@code workingDir} or its
     * parent (the CDK CLI runs the app from {@code infra/}, tests and IDEs may run it from the root).
     */
    static Path underRepository(Path workingDir, Path relative, String what) {
        List<Path> candidates = List.of(workingDir.resolve(relative), workingDir.resolve("..").resolve(relative));
        return candidates.stream()
                .map(p -> p.toAbsolutePath().normalize())
                .filter(Files::isDirectory)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + what + " at " + candidates));
    }
}
