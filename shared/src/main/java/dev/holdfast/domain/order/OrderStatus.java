package dev.holdfast.domain.order;

/** An order is accepted (money moved) or rejected (a recorded business outcome, nothing moved). */
public enum OrderStatus { ACCEPTED, REJECTED }
