package dev.holdfast.local;

/** The URLs of a provisioned queue and its dead-letter queue. */
public record QueueUrls(String url, String dlqUrl) {}
