package dev.holdfast.local.faithful;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/**
 * Item sizes and capacity units by DynamoDB's rules, on items in DynamoDB's JSON wire form
 * ({@code {"name": {"S": "..."}}}): an item is the sum of its attribute names (UTF-8 bytes) and
 * values — strings their UTF-8 bytes, numbers about one byte per two significant digits plus one,
 * binaries their bytes, booleans and nulls one byte, maps and lists 3 bytes plus their contents plus
 * one byte per element, sets the sum of their elements.
 *
 * @see <a href="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html">DynamoDB item sizes and formats</a>
 */
final class ItemSizes {
    private ItemSizes() {}

    static final int WRITE_UNIT_BYTES = 1024;
    static final int READ_UNIT_BYTES = 4096;

    /** Size in bytes of an item ({@code null} or missing: 0). */
    static long item(JsonNode item) {
        if (item == null || item.isNull() || item.isMissingNode()) {
            return 0;
        }
        long size = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = item.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            size += utf8(e.getKey()) + value(e.getValue());
        }
        return size;
    }

    static long value(JsonNode v) {
        Iterator<Map.Entry<String, JsonNode>> it = v.fields();
        if (!it.hasNext()) {
            return 0;
        }
        Map.Entry<String, JsonNode> typed = it.next();
        JsonNode x = typed.getValue();
        switch (typed.getKey()) {
            case "S":
                return utf8(x.asText());
            case "N":
                return number(x.asText());
            case "B":
                return binary(x.asText());
            case "BOOL":
            case "NULL":
                return 1;
            case "SS":
                return sum(x, ItemSizes::utf8);
            case "NS":
                return sum(x, ItemSizes::number);
            case "BS":
                return sum(x, ItemSizes::binary);
            case "M": {
                long s = 3;
                for (Iterator<Map.Entry<String, JsonNode>> m = x.fields(); m.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = m.next();
                    s += utf8(e.getKey()) + value(e.getValue()) + 1;
                }
                return s;
            }
            case "L": {
                long s = 3;
                for (JsonNode e : x) {
                    s += value(e) + 1;
                }
                return s;
            }
            default:
                return 0;
        }
    }

    static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** (significant digits + 1) / 2 + 1: leading and trailing zeros, sign, point and exponent do not count. */
    static long number(String n) {
        String mantissa = n;
        int e = Math.max(n.indexOf('e'), n.indexOf('E'));
        if (e >= 0) {
            mantissa = n.substring(0, e);
        }
        StringBuilder digits = new StringBuilder();
        for (char c : mantissa.toCharArray()) {
            if (c >= '0' && c <= '9') {
                digits.append(c);
            }
        }
        String d = digits.toString().replaceAll("^0+", "").replaceAll("0+$", "");
        return (d.length() + 1) / 2 + 1;
    }

    static long binary(String base64) {
        try {
            return Base64.getDecoder().decode(base64).length;
        } catch (IllegalArgumentException e) {
            return base64.length() * 3L / 4;
        }
    }

    /** Write units of one write of {@code bytes}: one per started KB, at least one. */
    static long writeUnits(long bytes) {
        return Math.max(1, (bytes + WRITE_UNIT_BYTES - 1) / WRITE_UNIT_BYTES);
    }

    /** Read units' count of 4 KB blocks for {@code bytes}: one per started 4 KB, at least one. */
    static long readBlocks(long bytes) {
        return Math.max(1, (bytes + READ_UNIT_BYTES - 1) / READ_UNIT_BYTES);
    }

    /** The size of a set: the sum of its members' sizes. */
    private static long sum(JsonNode set, java.util.function.ToLongFunction<String> size) {
        long s = 0;
        for (JsonNode e : set) {
            s += size.applyAsLong(e.asText());
        }
        return s;
    }
}
