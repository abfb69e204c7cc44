package dev.holdfast.resources;

/** Who may call a route. */
public enum Access {
    /** No token needed. */
    PUBLIC,
    /** A valid JWT (API Gateway's JWT authorizer in AWS, the local signing key locally). */
    USER,
    /** A valid JWT whose {@code cognito:groups} contains {@code admin}; others get 403. */
    ADMIN,
    /**
     * A waiting-room admission token (signed by Holdfast, not Cognito) that the function checks
     * itself: deployed without an API Gateway authorizer, like {@link #PUBLIC}.
     */
    ADMISSION,
    /** Served by the local environment itself; never part of a deployed API. */
    LOCAL_ONLY;

    /** The Cognito group whose members may call {@link #ADMIN} routes. */
    public static final String ADMIN_GROUP = "admin";

    public boolean needsToken() {
        return this == USER || this == ADMIN;
    }
}
