package dev.holdfast.domain.capacity;

/**
 * What warm throughput is set on: a table ({@code index} null) or one of its global secondary indexes.
 *
 * @param table the table's id ({@code TableDef.id()}: {@code orders}, not the physical name)
 * @param index the index name, or null for the table itself
 */
public record WarmTarget(String table, String index) implements Comparable<WarmTarget> {
    public static WarmTarget table(String table) {
        return new WarmTarget(table, null);
    }

    public static WarmTarget index(String table, String index) {
        return new WarmTarget(table, index);
    }

    @Override
    public int compareTo(WarmTarget o) {
        int c = table.compareTo(o.table);
        if (c != 0) {
            return c;
        }
        return index == null ? (o.index == null ? 0 : -1) : o.index == null ? 1 : index.compareTo(o.index);
    }

    @Override
    public String toString() {
        return index == null ? table : table + "/" + index;
    }
}
