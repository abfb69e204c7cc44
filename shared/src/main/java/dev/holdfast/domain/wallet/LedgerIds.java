package dev.holdfast.domain.wallet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Ledger entry ids: {@code l-<first 128 bits of SHA-256(accountId) in hex>-<seq>}. Deterministic
 * from (accountId, seq), so a retried commit names the same entry and a second entry with the same
 * sequence number can never be written (its put is conditional on the key being new); unique
 * across accounts; and opaque (it does not reveal the owner's sub).
 */
public final class LedgerIds {
    private LedgerIds() {}

    public static String entryId(String accountId, long seq) {
        return "l-" + accountHash(accountId) + "-" + seq;
    }

    static String accountHash(String accountId) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(accountId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A hex SHA-256 of {@code parts}, each length-prefixed so no two part lists collide. */
    public static String fingerprint(String... parts) {
        StringBuilder s = new StringBuilder();
        for (String p : parts) {
            String v = p == null ? "" : p;
            s.append(p == null ? -1 : v.length()).append(':').append(v).append('\n');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
