package dev.holdfast.api.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compact JWS with HS256 (a JWT): the one signature scheme of the waiting room, for cohort links and
 * admission tokens ({@link CohortLinks}, {@link AdmissionTokens}). Claims are flat: strings and
 * whole numbers. The key is the platform's signing secret (a managed secret in AWS, never code).
 * Verification is constant-time and refuses any header but {@code {"alg":"HS256","typ":"JWT"}} (no
 * {@code alg: none}, no algorithm confusion).
 */
public final class SignedToken {
    private SignedToken() {}

    private static final String HEADER = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /** Why a token was refused. */
    public static final class Invalid extends RuntimeException {
        public Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** Signs {@code claims} (strings and whole numbers, written in their map's order) with {@code secret}. */
    public static String sign(Map<String, ?> claims, byte[] secret) {
        ObjectNode json = Json.object();
        claims.forEach((name, value) -> {
            if (value instanceof String s) {
                json.put(name, s);
            } else if (value instanceof Long n) {
                json.put(name, n);
            } else {
                throw new IllegalArgumentException("a claim is a string or a whole number: " + name);
            }
        });
        String body = b64(Json.write(json).getBytes(StandardCharsets.UTF_8));
        String signingInput = HEADER + "." + body;
        return signingInput + "." + b64(hmac(signingInput, secret));
    }

    /**
     * The claims of a token signed with {@code secret}: text as {@link String}, numbers that fit as
     * {@link Long} (whole seconds), booleans as {@link Boolean}; nested values and nulls are left out.
     *
     * @throws Invalid when it is not a well-formed HS256 JWT signed with this secret
     */
    public static Map<String, Object> verify(String token, byte[] secret) {
        if (token == null || token.length() > 4096) {
            throw new Invalid("missing or oversized token");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || !HEADER.equals(parts[0])) {
            throw new Invalid("not an HS256 token");
        }
        byte[] expected = hmac(parts[0] + "." + parts[1], secret);
        byte[] given;
        try {
            given = decodeCanonical(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new Invalid("malformed signature");
        }
        if (!MessageDigest.isEqual(expected, given)) {
            throw new Invalid("bad signature");
        }
        try {
            JsonNode claims = Json.parse(new String(decodeCanonical(parts[1]), StandardCharsets.UTF_8));
            if (!(claims instanceof ObjectNode o)) {
                throw new Invalid("claims are not an object");
            }
            return claims(o);
        } catch (IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new Invalid("malformed claims");
        }
    }

    private static Map<String, Object> claims(ObjectNode o) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isTextual()) {
                out.put(e.getKey(), v.textValue());
            } else if (v.isNumber() && v.canConvertToLong()) {
                out.put(e.getKey(), v.asLong());
            } else if (v.isBoolean()) {
                out.put(e.getKey(), v.booleanValue());
            }
        }
        return out;
    }

    /**
     * Decodes unpadded base64url only in its one canonical spelling: the text must be exactly what
     * encoding the decoded bytes gives back, so a last character differing only in its unused bits,
     * padding, or anything the decoder would tolerate is refused ({@link IllegalArgumentException}).
     * Without this a signature has several spellings that all verify (a malleable token).
     */
    public static byte[] decodeCanonical(String text) {
        byte[] bytes = DECODER.decode(text);
        if (!b64(bytes).equals(text)) {
            throw new IllegalArgumentException("not the canonical base64url spelling");
        }
        return bytes;
    }

    private static byte[] hmac(String input, byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
