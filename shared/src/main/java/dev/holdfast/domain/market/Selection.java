package dev.holdfast.domain.market;

/** One outcome of a market. */
public record Selection(String selectionId, String name) {}
