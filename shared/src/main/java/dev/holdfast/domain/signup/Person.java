package dev.holdfast.domain.signup;

import dev.holdfast.domain.wallet.LedgerIds;

import java.time.LocalDate;
import java.util.Objects;

/**
 * Who signs up: what the identity verifier checks. Kept on the signup only until its verification
 * is over (then the signup keeps the region and the {@link #fingerprint()}, not the person).
 *
 * @param birthDate an ISO calendar date in the past
 * @param phone     {@code +} and digits (E.164-like)
 */
public record Person(String name, LocalDate birthDate, String phone, String region) {
    public Person {
        Objects.requireNonNull(name);
        Objects.requireNonNull(birthDate);
        Objects.requireNonNull(phone);
        Objects.requireNonNull(region);
    }

    /**
     * Who this is, whatever the spelling: a hash of the normalized name (Unicode NFKC, lower case,
     * spaces, dots, hyphens and apostrophes dropped), the birth date and the phone's digits. Two
     * signups with the same identity key are one person, who gets one account.
     */
    public String identityKey() {
        String n = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFKC)
                .toLowerCase(java.util.Locale.ROOT).replaceAll("[\\s.\\-'’·]+", "");
        String digits = phone.replaceAll("[^0-9]", "");
        return LedgerIds.fingerprint("identity", n, birthDate.toString(), digits);
    }

    /** A hash of the whole person: tells a replay of the same signup from a different one. */
    public String fingerprint() {
        return LedgerIds.fingerprint("person", name, birthDate.toString(), phone, region);
    }
}
