package dev.holdfast.infra;

import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Finding the one resource a test is about in a synthesized template. */
final class TemplateLookup {
    private final Template template;

    TemplateLookup(Template template) {
        this.template = template;
    }

    /** The logical id of the only resource of {@code type} whose properties are like {@code properties}. */
    String logicalId(String type, Map<String, ?> properties) {
        Map<String, Map<String, Object>> found = template.findResources(type,
                Match.objectLike(Map.of("Properties", Match.objectLike(properties))));
        assertEquals(1, found.size(), "resources " + type + " with " + properties + ": " + found.keySet());
        return found.keySet().iterator().next();
    }

    /** The only resource of {@code type} whose properties are like {@code properties}. */
    Map<String, Object> resource(String type, Map<String, ?> properties) {
        return template.findResources(type).get(logicalId(type, properties));
    }

    Map<String, Object> properties(String type, Map<String, ?> properties) {
        return properties(resource(type, properties));
    }

    /**
     * Properties of the event source mappings invoking an alias. A mapping names its function as
     * {@code <function name>:<alias>}, cut from the alias's ARN, so it is found by that reference.
     */
    List<Map<String, Object>> eventSourceMappingsTo(String aliasLogicalId) {
        return template.findResources("AWS::Lambda::EventSourceMapping").values().stream()
                .map(TemplateLookup::properties)
                .filter(p -> String.valueOf(p.get("FunctionName")).contains("Ref=" + aliasLogicalId))
                .toList();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> properties(Map<String, Object> resource) {
        return (Map<String, Object>) resource.get("Properties");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> listOfMaps(Object o) {
        return (List<Map<String, Object>>) o;
    }

    static Map<String, String> ref(String logicalId) {
        return Map.of("Ref", logicalId);
    }
}
