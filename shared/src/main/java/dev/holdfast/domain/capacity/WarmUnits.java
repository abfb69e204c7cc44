package dev.holdfast.domain.capacity;

/** Warm throughput: the read and write units per second a table or index serves at once. */
public record WarmUnits(long readUnitsPerSecond, long writeUnitsPerSecond) {
    public WarmUnits {
        if (readUnitsPerSecond < 0 || writeUnitsPerSecond < 0) {
            throw new IllegalArgumentException("warm throughput cannot be negative");
        }
    }

    /** The larger of each. */
    public WarmUnits max(WarmUnits o) {
        return new WarmUnits(Math.max(readUnitsPerSecond, o.readUnitsPerSecond),
                Math.max(writeUnitsPerSecond, o.writeUnitsPerSecond));
    }

    /** Whether both figures are at least {@code o}'s. */
    public boolean covers(WarmUnits o) {
        return readUnitsPerSecond >= o.readUnitsPerSecond && writeUnitsPerSecond >= o.writeUnitsPerSecond;
    }
}
