package dev.holdfast.functions.http;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One account's concurrent money calls inside one container take turns instead of racing each
 * other's optimistic writes: a striped lock per account id. It is only an optimisation — the
 * conditional transaction still decides (a Lambda container serves one request at a time, and other
 * containers race as before, with back-off) — but where one container serves many calls at once,
 * as the local environment does, it turns dozens of lost races into a short queue.
 */
public final class AccountTurns {
    private static final int STRIPES = 256;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    public AccountTurns() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock(true);
        }
    }

    /** The account's lock, taken within {@code waitMillis}; null if it was not (go on without it). */
    public ReentrantLock take(String accountId, long waitMillis) {
        ReentrantLock lock = locks[Math.floorMod(accountId.hashCode(), STRIPES)];
        try {
            return lock.tryLock(Math.max(0, waitMillis), TimeUnit.MILLISECONDS) ? lock : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
