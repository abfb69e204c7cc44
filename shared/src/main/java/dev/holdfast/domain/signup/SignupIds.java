package dev.holdfast.domain.signup;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Signup ids and the account ids they lead to.
 *
 * <p>A signup id is 128 random bits ({@code s-} + 32 hex digits): unguessable, so
 * {@code GET /signup/{id}} needs no token, and unrelated to the ticket, so it tells nothing about
 * the waiting room.
 *
 * <p>The account id is derived from the signup id (a name-based UUID, the shape of a Cognito
 * {@code sub}): every retry of the worker computes the same one, so the account can only be created
 * once, conditionally, in the same transaction that marks the signup VERIFIED. In AWS the worker
 * would first create the Cognito user with the signup id as its username ({@code AdminCreateUser};
 * {@code UsernameExistsException} on a retry means it already exists, read it with
 * {@code AdminGetUser}) and use that user's {@code sub}: one user per signup, found again on every retry.
 */
public final class SignupIds {
    private SignupIds() {}

    private static final Pattern FORMAT = Pattern.compile("s-[0-9a-f]{32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new random signup id. */
    public static String random() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return "s-" + HexFormat.of().formatHex(b);
    }

    public static boolean wellFormed(String id) {
        return id != null && FORMAT.matcher(id).matches();
    }

    /** The account a verified signup opens. */
    public static String accountId(String signupId) {
        return UUID.nameUUIDFromBytes(("holdfast-signup:" + signupId).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
