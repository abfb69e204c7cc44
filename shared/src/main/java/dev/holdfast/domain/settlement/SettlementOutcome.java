package dev.holdfast.domain.settlement;

/** How an accepted order ended: its selection won, lost, or the market was voided. */
public enum SettlementOutcome { WON, LOST, VOID }
