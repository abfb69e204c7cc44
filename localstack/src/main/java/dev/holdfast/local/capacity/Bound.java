package dev.holdfast.local.capacity;

/** One limit on a rate: what it is, how many per second it allows, and how that follows from the figures. */
public record Bound(String what, double perSecond, String arithmetic) {
}
