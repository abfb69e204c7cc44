package dev.holdfast.domain.order;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An order's id is derived from its owner and idempotency key, so every retry and every racing
 * duplicate of one request names the same order item, and the order item itself is the
 * idempotency record: a conditional put of it decides, atomically with the money, which request
 * won. The id reveals neither the owner nor the key.
 */
public final class OrderIds {
    private OrderIds() {}

    public static String of(String ownerSub, String idempotencyKey) {
        return "o-" + HexFormat.of().formatHex(sha256(ownerSub.length() + ":" + ownerSub + "\n" + idempotencyKey), 0, 16);
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A hex SHA-256, for request fingerprints. */
    public static String hash(String s) {
        return HexFormat.of().formatHex(sha256(s));
    }
}
