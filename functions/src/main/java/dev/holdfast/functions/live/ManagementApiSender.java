package dev.holdfast.functions.live;

import dev.holdfast.domain.live.LiveSender;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * {@code PostToConnection} of the API Gateway Management API: {@code POST
 * <callbackUrl>/@connections/<connectionId>} signed with SigV4 for {@code execute-api}. Written on
 * the SDK's own signer and HTTP client (the SDK's generated client for this API is not published
 * for the SDK version the project pins); {@code 410} is {@code GoneException}.
 */
public final class ManagementApiSender implements LiveSender {
    /** The WebSocket API's callback URL, {@code https://<api-id>.execute-api.<region>.amazonaws.com/<stage>}. */
    public static final String CALLBACK_URL_VARIABLE = "LIVE_CALLBACK_URL";

    private final URI callbackUrl;
    private final String region;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    public ManagementApiSender(URI callbackUrl, String region, AwsCredentialsProvider credentials) {
        String u = callbackUrl.toString();
        this.callbackUrl = URI.create(u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
        this.region = region;
        this.credentials = credentials;
        this.http = UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(5)).build();
    }

    /** The sender of a Lambda container; without {@value #CALLBACK_URL_VARIABLE} every send fails. */
    public static LiveSender fromEnvironment(Map<String, String> env) {
        String url = env.get(CALLBACK_URL_VARIABLE);
        if (url == null || url.isBlank()) {
            return (connectionId, message) -> {
                throw new IllegalStateException(CALLBACK_URL_VARIABLE + " is not set");
            };
        }
        return new ManagementApiSender(URI.create(url.trim()), env.getOrDefault("AWS_REGION", "us-east-1"),
                EnvironmentVariableCredentialsProvider.create());
    }

    /** The request a send makes, signed. */
    SignedRequest sign(String connectionId, String message) {
        URI uri = URI.create(callbackUrl + "/@connections/" + URLEncoder.encode(connectionId, StandardCharsets.UTF_8));
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri)
                .putHeader("Content-Type", "application/json").build();
        return signer.sign(r -> r.identity(credentials.resolveIdentity().join())
                .request(request)
                .payload(ContentStreamProvider.fromUtf8String(message))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
    }

    @Override
    public Delivery send(String connectionId, String message) {
        SignedRequest signed = sign(connectionId, message);
        try {
            HttpExecuteResponse r = http.prepareRequest(HttpExecuteRequest.builder().request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null)).build()).call();
            r.responseBody().ifPresent(b -> {
                try (b) {
                    b.readAllBytes();
                } catch (IOException ignored) {
                    // the body of an answer we only need the status of
                }
            });
            int status = r.httpResponse().statusCode();
            if (status == 410) {
                return Delivery.GONE;
            }
            if (status / 100 != 2) {
                throw new IllegalStateException("PostToConnection answered " + status);
            }
            return Delivery.DELIVERED;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
