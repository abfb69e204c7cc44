package dev.holdfast.runtime;

import dev.holdfast.resources.Naming;
import dev.holdfast.resources.QueueDef;
import dev.holdfast.resources.Queues;
import dev.holdfast.resources.TableDef;
import dev.holdfast.resources.Tables;

import java.util.HashMap;
import java.util.Map;

/**
 * The physical table names and queue URLs of one deployment. A deployed function learns them from
 * the environment variables the CDK app sets (see {@link TableDef#envVar()}); the local
 * environment builds them from what it provisioned.
 */
public final class ResourceNames {
    private final Map<TableDef, String> tables;
    private final Map<QueueDef, String> queueUrls;

    public ResourceNames(Map<TableDef, String> tables, Map<QueueDef, String> queueUrls) {
        this.tables = Map.copyOf(tables);
        this.queueUrls = Map.copyOf(queueUrls);
    }

    /** Names for a stage, with the given queue URLs. */
    public static ResourceNames forStage(String stage, Map<QueueDef, String> queueUrls) {
        Map<TableDef, String> t = new HashMap<>();
        for (TableDef def : Tables.ALL) {
            t.put(def, Naming.tableName(stage, def));
        }
        return new ResourceNames(t, queueUrls);
    }

    /** Names from a Lambda environment: only the resources the function was given. */
    public static ResourceNames fromEnvironment(Map<String, String> env) {
        Map<TableDef, String> t = new HashMap<>();
        for (TableDef def : Tables.ALL) {
            String v = env.get(def.envVar());
            if (v != null && !v.isBlank()) {
                t.put(def, v);
            }
        }
        Map<QueueDef, String> q = new HashMap<>();
        for (QueueDef def : Queues.ALL) {
            String v = env.get(def.envVar());
            if (v != null && !v.isBlank()) {
                q.put(def, v);
            }
        }
        return new ResourceNames(t, q);
    }

    public String table(TableDef def) {
        String name = tables.get(def);
        if (name == null) {
            throw new IllegalStateException("this function has no access to table " + def.id());
        }
        return name;
    }

    public String queueUrl(QueueDef def) {
        String url = queueUrls.get(def);
        if (url == null) {
            throw new IllegalStateException("this function has no access to queue " + def.id());
        }
        return url;
    }
}
