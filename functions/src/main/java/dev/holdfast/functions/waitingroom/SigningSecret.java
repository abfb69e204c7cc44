package dev.holdfast.functions.waitingroom;

import dev.holdfast.resources.Variables;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The key that signs cohort links and admission tokens. Locally it is handed over in
 * {@code SIGNING_SECRET}; in AWS it lives in Secrets Manager ({@code SIGNING_SECRET_ARN}), generated
 * there, never in code or configuration, and is fetched on first use (after a SnapStart restore, so no
 * snapshot carries it) and kept for the container's life.
 */
public final class SigningSecret {
    public static final String VALUE_VARIABLE = Variables.SIGNING_SECRET;
    public static final String ARN_VARIABLE = "SIGNING_SECRET_ARN";
    static final int MIN_BYTES = 32;

    private final Supplier<String> source;
    private volatile byte[] key;

    private SigningSecret(Supplier<String> source) {
        this.source = source;
    }

    /** The secret named by the environment: {@code SIGNING_SECRET} if set, else the managed secret. */
    public static SigningSecret from(Map<String, String> environment) {
        String value = environment.get(VALUE_VARIABLE);
        if (value != null && !value.isBlank()) {
            return new SigningSecret(() -> value);
        }
        String arn = environment.get(ARN_VARIABLE);
        if (arn == null || arn.isBlank()) {
            throw new IllegalStateException("neither " + VALUE_VARIABLE + " nor " + ARN_VARIABLE + " is set");
        }
        return new SigningSecret(() -> {
            try (SecretsManagerClient sm = SecretsManagerClient.builder()
                    .httpClient(UrlConnectionHttpClient.create())
                    .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
                    .region(Region.of(environment.getOrDefault("AWS_REGION", "us-east-1"))).build()) {
                return sm.getSecretValue(b -> b.secretId(arn)).secretString();
            }
        });
    }

    /** The HMAC key: the secret's UTF-8 bytes. */
    public byte[] key() {
        byte[] k = key;
        if (k == null) {
            synchronized (this) {
                if (key == null) {
                    byte[] bytes = source.get().getBytes(StandardCharsets.UTF_8);
                    if (bytes.length < MIN_BYTES) {
                        throw new IllegalStateException("the signing secret is shorter than " + MIN_BYTES + " bytes");
                    }
                    key = bytes;
                }
                k = key;
            }
        }
        return k;
    }
}
