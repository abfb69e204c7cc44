package dev.holdfast.functions.signup;

import dev.holdfast.api.ApiError;
import dev.holdfast.api.RequestBody;
import dev.holdfast.domain.signup.Person;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code POST /signup}'s body {@code {"name", "birthDate", "phone", "region"}} strictly: each
 * field required, unknown fields refused, every problem a {@code 400 VALIDATION_ERROR} naming it.
 */
final class SignupRequest {
    private SignupRequest() {}

    static final int NAME_MAX = 100;
    static final int REGION_MAX = 64;
    /** Nobody alive is older. */
    static final int MAX_AGE_YEARS = 120;
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9]{6,15}");
    private static final Pattern ISO_DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");

    static Person parse(RequestBody body, LocalDate today) {
        body.allowOnly(Set.of("name", "birthDate", "phone", "region"));
        String name = text(body, "name", NAME_MAX);
        String birth = body.requiredString("birthDate", 10);
        LocalDate birthDate;
        try {
            if (!ISO_DATE.matcher(birth).matches()) {
                throw new DateTimeParseException("not yyyy-mm-dd", birth, 0);
            }
            birthDate = LocalDate.parse(birth);
        } catch (DateTimeParseException e) {
            throw ApiError.validation("birthDate", "'birthDate' must be an ISO date, such as \"1990-04-30\"");
        }
        if (!birthDate.isBefore(today)) {
            throw ApiError.validation("birthDate", "'birthDate' must be in the past");
        }
        if (birthDate.isBefore(today.minusYears(MAX_AGE_YEARS))) {
            throw ApiError.validation("birthDate", "'birthDate' must be within the last " + MAX_AGE_YEARS + " years");
        }
        String phone = body.requiredString("phone", 16);
        if (!PHONE.matcher(phone).matches()) {
            throw ApiError.validation("phone", "'phone' must be 6 to 15 digits, optionally after a '+'");
        }
        String region = text(body, "region", REGION_MAX);
        return new Person(name, birthDate, phone, region);
    }

    private static String text(RequestBody body, String field, int max) {
        String v = body.requiredString(field, max).strip();
        if (v.chars().anyMatch(Character::isISOControl)) {
            throw ApiError.validation(field, "'" + field + "' must not contain control characters");
        }
        return v;
    }
}
