package dev.holdfast.domain.money;

/**
 * Where money sits in an account. Both trade through the very same order path; only {@code CASH}
 * can be withdrawn.
 */
public enum Fund { CASH, BONUS }
