package dev.holdfast.domain.withdrawal;

import java.util.Objects;

/** Where a withdrawal's money goes: a bank and an account number at that bank, as the customer gave them. */
public record Destination(String bank, String account) {
    public Destination {
        Objects.requireNonNull(bank);
        Objects.requireNonNull(account);
    }
}
