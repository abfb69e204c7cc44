package dev.holdfast.api.risk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.api.Json;
import dev.holdfast.domain.risk.RiskConfig;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What changed between two risk configs, leaf by leaf, on the contract's JSON: each change names
 * the dotted path of a value ({@code limits.event.overrides.e-1}) and its JSON value before and
 * after ({@code null} where it did not exist, e.g. an override added or removed). The version is
 * not a change.
 */
public final class RiskConfigDiff {
    private RiskConfigDiff() {}

    /** One changed leaf. */
    public record Change(String path, JsonNode before, JsonNode after) {
        public Change {
            Objects.requireNonNull(path);
            before = before == null ? NullNode.getInstance() : before;
            after = after == null ? NullNode.getInstance() : after;
        }

        public ObjectNode toJson() {
            ObjectNode n = Json.object();
            n.put("path", path);
            n.set("before", before);
            n.set("after", after);
            return n;
        }
    }

    /** The leaf changes from {@code before} to {@code after}, in document order. */
    public static List<Change> diff(RiskConfig before, RiskConfig after) {
        Map<String, JsonNode> b = leaves(RiskConfigJson.toJson(before));
        Map<String, JsonNode> a = leaves(RiskConfigJson.toJson(after));
        Set<String> paths = new LinkedHashSet<>(b.keySet());
        paths.addAll(a.keySet());
        List<Change> out = new ArrayList<>();
        for (String p : paths) {
            JsonNode x = b.get(p);
            JsonNode y = a.get(p);
            if (!Objects.equals(x, y)) {
                out.add(new Change(p, x, y));
            }
        }
        return List.copyOf(out);
    }

    /** {@link #diff} as a JSON array of {@code {path, before, after}}. */
    public static ArrayNode toJson(List<Change> changes) {
        ArrayNode arr = Json.array();
        changes.forEach(c -> arr.add(c.toJson()));
        return arr;
    }

    private static Map<String, JsonNode> leaves(ObjectNode config) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        ObjectNode copy = config.deepCopy();
        copy.remove("version");
        collect("", copy, out);
        return out;
    }

    private static void collect(String prefix, JsonNode node, Map<String, JsonNode> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                collect(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else {
            out.put(prefix, node);
        }
    }
}
