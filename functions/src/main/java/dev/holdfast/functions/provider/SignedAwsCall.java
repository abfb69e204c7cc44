package dev.holdfast.functions.provider;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
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
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * One SigV4-signed {@code POST} to an AWS API, on the SDK's own signer and URL-connection client:
 * for the few calls whose generated SDK client is not published for the SDK version the project
 * pins (API Gateway's management API, CodeDeploy). The caller decides what a status means.
 */
public final class SignedAwsCall {
    private final String service;
    private final String region;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /** @param service the SigV4 signing name, e.g. {@code execute-api}, {@code codedeploy} */
    public SignedAwsCall(String service, String region, AwsCredentialsProvider credentials) {
        this.service = service;
        this.region = region;
        this.credentials = credentials;
        this.http = UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(5)).build();
    }

    /** An answer: status and body text. */
    public record Answer(int status, String body) {}

    /** The request a call makes, signed. */
    public SignedRequest sign(URI uri, Map<String, String> headers, String body) {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri);
        headers.forEach(request::putHeader);
        return signer.sign(r -> r.identity(credentials.resolveIdentity().join())
                .request(request.build())
                .payload(ContentStreamProvider.fromUtf8String(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
    }

    /** Signs and sends one POST; an I/O failure is an {@link UncheckedIOException}. */
    public Answer post(URI uri, Map<String, String> headers, String body) {
        SignedRequest signed = sign(uri, headers, body);
        try {
            HttpExecuteResponse r = http.prepareRequest(HttpExecuteRequest.builder().request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null)).build()).call();
            String text = "";
            if (r.responseBody().isPresent()) {
                try (InputStream b = r.responseBody().get()) {
                    text = new String(b.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            return new Answer(r.httpResponse().statusCode(), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
