package dev.holdfast.persistence.signups;

import dev.holdfast.domain.Rfc3339;
import dev.holdfast.domain.signup.Person;
import dev.holdfast.domain.signup.Signup;
import dev.holdfast.domain.signup.SignupStatus;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

import java.time.Instant;
import java.time.LocalDate;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

/**
 * The signup item kinds of the waiting-room table, with static schemas.
 *
 * <ul>
 *   <li>admission use: pk {@code ADMISSION#<ticketId>}, sk {@code USE} — put once, only if absent,
 *       in the transaction that creates the signup: an admission token is good for one signup.
 *       Expires (TTL {@code expiresAt}) a day after the token itself, when reuse is impossible anyway;</li>
 *   <li>signup: pk {@code SIGNUP#<signupId>}, sk {@code SIGNUP} — the status item; the person's
 *       data is removed when it leaves PENDING;</li>
 *   <li>pending mark: pk {@code SIGNUPS#PENDING#<shard>}, sk {@code <createdAt>#<signupId>} —
 *       exists exactly while the signup is PENDING (put with it, deleted in the transaction that
 *       finishes it), so the re-drive finds old PENDING signups with a query, never a scan;</li>
 *   <li>person: pk {@code PERSON#<identity key>}, sk {@code PERSON} — put only if absent in the
 *       VERIFIED transaction: one account per person.</li>
 * </ul>
 * The mapping of signups, admission uses and pending marks to and from their items is here too.
 */
final class SignupItems {
    private SignupItems() {}

    static final String ADMISSION_PREFIX = "ADMISSION#";
    static final String USE_SK = "USE";
    static final String SIGNUP_PREFIX = "SIGNUP#";
    static final String SIGNUP_SK = "SIGNUP";
    static final String PENDING_PREFIX = "SIGNUPS#PENDING#";
    static final int PENDING_SHARDS = 8;
    static final String PERSON_PREFIX = "PERSON#";
    static final String PERSON_SK = "PERSON";

    static String admissionPk(String ticketId) {
        return ADMISSION_PREFIX + ticketId;
    }

    static String signupPk(String signupId) {
        return SIGNUP_PREFIX + signupId;
    }

    static String pendingPk(String signupId) {
        return PENDING_PREFIX + Math.floorMod(signupId.hashCode(), PENDING_SHARDS);
    }

    static String pendingPk(int shard) {
        return PENDING_PREFIX + shard;
    }

    static String pendingSk(String createdAt, String signupId) {
        return createdAt + "#" + signupId;
    }

    static final class AdmissionUseItem {
        static final TableSchema<AdmissionUseItem> SCHEMA = StaticTableSchema.builder(AdmissionUseItem.class)
                .newItemSupplier(AdmissionUseItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(String.class, a -> a.name("ticketId").getter(i -> i.ticketId).setter((i, v) -> i.ticketId = v))
                .addAttribute(String.class, a -> a.name("signupId").getter(i -> i.signupId).setter((i, v) -> i.signupId = v))
                .addAttribute(String.class, a -> a.name("fingerprint").getter(i -> i.fingerprint).setter((i, v) -> i.fingerprint = v))
                .addAttribute(String.class, a -> a.name("usedAt").getter(i -> i.usedAt).setter((i, v) -> i.usedAt = v))
                .addAttribute(Long.class, a -> a.name("expiresAt").getter(i -> i.expiresAt).setter((i, v) -> i.expiresAt = v))
                .build();

        String pk;
        String sk;
        String ticketId;
        String signupId;
        String fingerprint;
        String usedAt;
        /** Epoch seconds (the table's TTL attribute). */
        Long expiresAt;
    }

    static final class SignupItem {
        static final TableSchema<SignupItem> SCHEMA = StaticTableSchema.builder(SignupItem.class)
                .newItemSupplier(SignupItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(String.class, a -> a.name("signupId").getter(i -> i.signupId).setter((i, v) -> i.signupId = v))
                .addAttribute(String.class, a -> a.name("ticketId").getter(i -> i.ticketId).setter((i, v) -> i.ticketId = v))
                .addAttribute(String.class, a -> a.name("rolloutId").getter(i -> i.rolloutId).setter((i, v) -> i.rolloutId = v))
                .addAttribute(String.class, a -> a.name("cohortId").getter(i -> i.cohortId).setter((i, v) -> i.cohortId = v))
                .addAttribute(String.class, a -> a.name("personName").getter(i -> i.personName).setter((i, v) -> i.personName = v))
                .addAttribute(String.class, a -> a.name("birthDate").getter(i -> i.birthDate).setter((i, v) -> i.birthDate = v))
                .addAttribute(String.class, a -> a.name("phone").getter(i -> i.phone).setter((i, v) -> i.phone = v))
                .addAttribute(String.class, a -> a.name("region").getter(i -> i.region).setter((i, v) -> i.region = v))
                .addAttribute(String.class, a -> a.name("fingerprint").getter(i -> i.fingerprint).setter((i, v) -> i.fingerprint = v))
                .addAttribute(String.class, a -> a.name("signupStatus").getter(i -> i.signupStatus).setter((i, v) -> i.signupStatus = v))
                .addAttribute(String.class, a -> a.name("accountId").getter(i -> i.accountId).setter((i, v) -> i.accountId = v))
                .addAttribute(String.class, a -> a.name("rejectionReason").getter(i -> i.rejectionReason).setter((i, v) -> i.rejectionReason = v))
                .addAttribute(String.class, a -> a.name("createdAt").getter(i -> i.createdAt).setter((i, v) -> i.createdAt = v))
                .addAttribute(String.class, a -> a.name("finishedAt").getter(i -> i.finishedAt).setter((i, v) -> i.finishedAt = v))
                .build();

        String pk;
        String sk;
        String signupId;
        String ticketId;
        String rolloutId;
        String cohortId;
        String personName;
        String birthDate;
        String phone;
        String region;
        String fingerprint;
        String signupStatus;
        String accountId;
        String rejectionReason;
        String createdAt;
        String finishedAt;
    }

    static final class PendingItem {
        static final TableSchema<PendingItem> SCHEMA = StaticTableSchema.builder(PendingItem.class)
                .newItemSupplier(PendingItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(String.class, a -> a.name("signupId").getter(i -> i.signupId).setter((i, v) -> i.signupId = v))
                .addAttribute(String.class, a -> a.name("createdAt").getter(i -> i.createdAt).setter((i, v) -> i.createdAt = v))
                .build();

        String pk;
        String sk;
        String signupId;
        String createdAt;
    }

    static final class PersonItem {
        static final TableSchema<PersonItem> SCHEMA = StaticTableSchema.builder(PersonItem.class)
                .newItemSupplier(PersonItem::new)
                .addAttribute(String.class, a -> a.name("pk").getter(i -> i.pk).setter((i, v) -> i.pk = v).tags(primaryPartitionKey()))
                .addAttribute(String.class, a -> a.name("sk").getter(i -> i.sk).setter((i, v) -> i.sk = v).tags(primarySortKey()))
                .addAttribute(String.class, a -> a.name("signupId").getter(i -> i.signupId).setter((i, v) -> i.signupId = v))
                .addAttribute(String.class, a -> a.name("accountId").getter(i -> i.accountId).setter((i, v) -> i.accountId = v))
                .addAttribute(String.class, a -> a.name("verifiedAt").getter(i -> i.verifiedAt).setter((i, v) -> i.verifiedAt = v))
                .build();

        String pk;
        String sk;
        String signupId;
        String accountId;
        String verifiedAt;
    }

    // ------------------------------------------------------------------------------ mapping

    static AdmissionUseItem toItem(SignupStore.AdmissionUse use, Instant usedAt, Instant expiresAt) {
        AdmissionUseItem i = new AdmissionUseItem();
        i.pk = admissionPk(use.ticketId());
        i.sk = USE_SK;
        i.ticketId = use.ticketId();
        i.signupId = use.signupId();
        i.fingerprint = use.fingerprint();
        i.usedAt = Rfc3339.format(usedAt);
        i.expiresAt = expiresAt.getEpochSecond();
        return i;
    }

    static SignupStore.AdmissionUse fromItem(AdmissionUseItem i) {
        return new SignupStore.AdmissionUse(i.ticketId, i.signupId, i.fingerprint);
    }

    static SignupItem toItem(Signup s) {
        SignupItem i = new SignupItem();
        i.pk = signupPk(s.signupId());
        i.sk = SIGNUP_SK;
        i.signupId = s.signupId();
        i.ticketId = s.ticketId();
        i.rolloutId = s.rolloutId();
        i.cohortId = s.cohortId();
        if (s.person() != null) {
            i.personName = s.person().name();
            i.birthDate = s.person().birthDate().toString();
            i.phone = s.person().phone();
        }
        i.region = s.region();
        i.fingerprint = s.fingerprint();
        i.signupStatus = s.status().name();
        i.accountId = s.accountId();
        i.rejectionReason = s.rejectionReason();
        i.createdAt = Rfc3339.format(s.createdAt());
        i.finishedAt = s.finishedAt() == null ? null : Rfc3339.format(s.finishedAt());
        return i;
    }

    static Signup fromItem(SignupItem i) {
        Person person = i.personName == null ? null
                : new Person(i.personName, LocalDate.parse(i.birthDate), i.phone, i.region);
        return new Signup(i.signupId, i.ticketId, i.rolloutId, i.cohortId, person, i.region, i.fingerprint,
                SignupStatus.valueOf(i.signupStatus), i.accountId, i.rejectionReason,
                Rfc3339.parse(i.createdAt), i.finishedAt == null ? null : Rfc3339.parse(i.finishedAt));
    }

    static PendingItem toItem(SignupStore.PendingSignup p) {
        PendingItem i = new PendingItem();
        String createdAt = Rfc3339.format(p.createdAt());
        i.pk = pendingPk(p.signupId());
        i.sk = pendingSk(createdAt, p.signupId());
        i.signupId = p.signupId();
        i.createdAt = createdAt;
        return i;
    }

    static SignupStore.PendingSignup fromItem(PendingItem i) {
        return new SignupStore.PendingSignup(i.signupId, Rfc3339.parse(i.createdAt));
    }

    /** The uniqueness item of {@code s}'s person, verified at {@code at} with account {@code accountId}. */
    static PersonItem toItem(Signup s, String accountId, Instant at) {
        PersonItem i = new PersonItem();
        i.pk = PERSON_PREFIX + s.person().identityKey();
        i.sk = PERSON_SK;
        i.signupId = s.signupId();
        i.accountId = accountId;
        i.verifiedAt = Rfc3339.format(at);
        return i;
    }
}
