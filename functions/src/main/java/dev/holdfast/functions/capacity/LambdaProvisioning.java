package dev.holdfast.functions.capacity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Lambda's provisioned-concurrency API on one alias, over signed HTTPS: {@code GET}, {@code PUT} and
 * {@code DELETE /2019-09-30/functions/{name}/provisioned-concurrency?Qualifier={alias}}. Three calls
 * do not warrant the Lambda SDK module (and its weight in every cold start of the shared jar); the
 * SDK's own SigV4 signer and HTTP client sign and send them.
 */
public final class LambdaProvisioning {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/2019-09-30/functions/%s/provisioned-concurrency?Qualifier=%s";

    private final URI endpoint;
    private final String region;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    public LambdaProvisioning(URI endpoint, String region, AwsCredentialsProvider credentials, SdkHttpClient http) {
        this.endpoint = endpoint;
        this.region = region;
        this.credentials = credentials;
        this.http = http;
    }

    /** Lambda's regional endpoint, {@code https://lambda.<region>.amazonaws.com}. */
    public static URI endpointFor(String region) {
        return URI.create("https://lambda." + region + ".amazonaws.com");
    }

    /** The requested provisioned concurrency of {@code function:qualifier}, 0 when none is configured. */
    public int requested(String function, String qualifier) {
        Answer a = call(SdkHttpMethod.GET, function, qualifier, null);
        if (a.status() == 404) {
            return 0;
        }
        a.requireSuccess("GetProvisionedConcurrencyConfig");
        return a.body().path("RequestedProvisionedConcurrentExecutions").asInt(0);
    }

    /** Requests {@code executions} (at least 1) on {@code function:qualifier}. */
    public void put(String function, String qualifier, int executions) {
        if (executions < 1) {
            throw new IllegalArgumentException("provisioned concurrency must be at least 1; remove it instead");
        }
        call(SdkHttpMethod.PUT, function, qualifier, "{\"ProvisionedConcurrentExecutions\":" + executions + "}")
                .requireSuccess("PutProvisionedConcurrencyConfig");
    }

    /** Removes the configuration; none configured is fine. */
    public void delete(String function, String qualifier) {
        Answer a = call(SdkHttpMethod.DELETE, function, qualifier, null);
        if (a.status() != 404) {
            a.requireSuccess("DeleteProvisionedConcurrencyConfig");
        }
    }

    private record Answer(int status, JsonNode body, String raw) {
        void requireSuccess(String action) {
            if (status / 100 != 2) {
                throw new IllegalStateException("Lambda " + action + " answered " + status + ": " + raw);
            }
        }
    }

    private Answer call(SdkHttpMethod method, String function, String qualifier, String body) {
        URI uri = URI.create(endpoint + String.format(PATH, enc(function), enc(qualifier)));
        SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder().method(method).uri(uri)
                .putHeader("Host", uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : ""));
        ContentStreamProvider payload = null;
        if (body != null) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            request.putHeader("Content-Type", "application/json").putHeader("Content-Length", String.valueOf(bytes.length));
            payload = ContentStreamProvider.fromByteArray(bytes);
        }
        ContentStreamProvider p = payload;
        SignedRequest signed = signer.sign(r -> r.identity(credentials.resolveCredentials())
                .request(request.build())
                .payload(p)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "lambda")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        try {
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null))
                    .build()).call();
            String raw = "";
            if (response.responseBody().isPresent()) {
                try (InputStream in = response.responseBody().get()) {
                    raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            JsonNode json = raw.isBlank() ? JSON.createObjectNode() : JSON.readTree(raw);
            return new Answer(response.httpResponse().statusCode(), json, raw);
        } catch (IOException e) {
            throw new UncheckedIOException("Lambda " + method + " " + uri.getPath() + " failed", e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
