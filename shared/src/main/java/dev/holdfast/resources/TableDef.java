package dev.holdfast.resources;

import java.util.List;
import java.util.Optional;

/**
 * One DynamoDB table, as both the CDK app and the local environment create it.
 *
 * <p>Every key attribute is a string. In AWS every table gets point-in-time recovery and a RETAIN
 * removal policy; {@code holdsMoneyOrAudit} tables also get deletion protection: nothing may ever
 * delete them.
 *
 * @param id            short name; the physical name is {@code prefix + id}
 * @param partitionKey  partition key attribute
 * @param sortKey       sort key attribute
 * @param indexes       global secondary indexes (all projecting every attribute)
 * @param ttlAttribute  epoch-seconds attribute DynamoDB expires items by, if any
 * @param stream        stream view, if the table has a stream
 * @param holdsMoneyOrAudit whether the table holds orders, snapshots, ledger or audit
 */
public record TableDef(
        String id,
        String partitionKey,
        String sortKey,
        List<Index> indexes,
        Optional<String> ttlAttribute,
        Optional<StreamView> stream,
        boolean holdsMoneyOrAudit) {

    public TableDef {
        indexes = List.copyOf(indexes);
    }

    /** A global secondary index with string keys projecting all attributes. */
    public record Index(String name, String partitionKey, String sortKey) {}

    /** What a stream record carries. */
    public enum StreamView { NEW_IMAGE, NEW_AND_OLD_IMAGES }

    /** Environment variable through which a deployed function learns this table's physical name. */
    public String envVar() {
        return "HOLDFAST_TABLE_" + id.toUpperCase().replace('-', '_');
    }
}
