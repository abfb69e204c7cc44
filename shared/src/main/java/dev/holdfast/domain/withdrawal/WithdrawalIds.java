package dev.holdfast.domain.withdrawal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A withdrawal's id is derived from its owner and idempotency key (like order ids), so every retry
 * and every racing duplicate of one request names the same withdrawal item, and that item is the
 * idempotency record: its conditional put, in the same transaction as the hold, decides which
 * request won. The id is also the bank transfer id, the same on every attempt, so the bank can
 * tell a retry from a new transfer. It reveals neither the owner nor the key.
 */
public final class WithdrawalIds {
    private WithdrawalIds() {}

    private static final Pattern FORMAT = Pattern.compile("w-[0-9a-f]{32}");

    public static String of(String ownerSub, String idempotencyKey) {
        return "w-" + HexFormat.of().formatHex(sha256(ownerSub.length() + ":" + ownerSub + "\n" + idempotencyKey), 0, 16);
    }

    /** Whether {@code id} could be a withdrawal id (anything else names no withdrawal). */
    public static boolean wellFormed(String id) {
        return id != null && FORMAT.matcher(id).matches();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
