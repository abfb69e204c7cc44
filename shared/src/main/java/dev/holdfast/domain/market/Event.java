package dev.holdfast.domain.market;

import java.time.Instant;

/** A sporting event markets hang off; its {@code segment} is every order's SEGMENT limit scope. */
public record Event(String eventId, String name, Instant startsAt, String segment, Instant createdAt) {}
