package dev.holdfast.persistence;

/**
 * A named step boundary in a multi-step worker (settlement, withdrawals): the worker calls
 * {@link #reached} right after each write it makes. In production it is {@link #NONE}; fault
 * injection tests pass one that throws at a chosen boundary (an exception after a write, or an
 * {@link Error} standing in for a Lambda timeout) and then let the system carry on, to show that
 * every step resumes without doing anything twice.
 */
@FunctionalInterface
public interface FaultPoint {
    FaultPoint NONE = step -> { };

    /** Called after the write named {@code step} has committed. */
    void reached(String step);
}
