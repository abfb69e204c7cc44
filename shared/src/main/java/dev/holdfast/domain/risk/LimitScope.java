package dev.holdfast.domain.risk;

/**
 * What a limit covers: all open liability ({@code GLOBAL}), one selection of an event
 * ({@code EVENT}, keyed by the event id), one user ({@code USER}, keyed by {@code sub}), or one
 * segment ({@code SEGMENT}, keyed by the event's segment such as {@code region:busan}).
 */
public enum LimitScope {
    GLOBAL,
    EVENT,
    USER,
    SEGMENT
}
