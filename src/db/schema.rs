// @generated automatically by Diesel CLI.

diesel::table! {
    api_tokens (id) {
        id -> Text,
        user_id -> Text,
        token_sha256 -> Text,
        prefix -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    applications (id) {
        id -> Text,
        farm_id -> Text,
        created_by -> Text,
        status -> Text,
        product_name -> Text,
        crop -> Text,
        gtin -> Nullable<Text>,
        lot -> Nullable<Text>,
        harvest_start -> Date,
        harvest_end -> Date,
        activity_json -> Text,
        result_json -> Text,
        method_id -> Text,
        factor_set_id -> Text,
        input_sha256 -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
        decision_reason -> Nullable<Text>,
        revision -> BigInt,
        supersedes -> Nullable<Text>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        application_id -> Nullable<Text>,
        certificate_id -> Nullable<Text>,
        actor_id -> Text,
        action -> Text,
        detail -> Nullable<Text>,
        occurred_at -> Timestamp,
        sequence -> BigInt,
    }
}

diesel::table! {
    certificate_status (certificate_id) {
        certificate_id -> Text,
        list_id -> BigInt,
        list_index -> BigInt,
    }
}

diesel::table! {
    certificates (id) {
        id -> Text,
        code -> Text,
        application_id -> Text,
        document -> Text,
        document_sha256 -> Text,
        verification_method -> Text,
        valid_from -> Timestamp,
        valid_until -> Timestamp,
        issued_at -> Timestamp,
    }
}

diesel::table! {
    evidence (id) {
        id -> Text,
        application_id -> Text,
        kind -> Text,
        file_name -> Text,
        media_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        content -> Binary,
        uploaded_by -> Text,
        uploaded_at -> Timestamp,
    }
}

diesel::table! {
    farm_members (farm_id, user_id) {
        farm_id -> Text,
        user_id -> Text,
    }
}

diesel::table! {
    farms (id) {
        id -> Text,
        name -> Text,
        village -> Text,
        region -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    issuer_keys (id) {
        id -> Text,
        public_key_multibase -> Text,
        valid_from -> Timestamp,
        valid_until -> Nullable<Timestamp>,
        compromised_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    log_entries (leaf_index) {
        leaf_index -> BigInt,
        kind -> Text,
        data -> Binary,
        certificate_id -> Nullable<Text>,
        appended_at -> Timestamp,
    }
}

diesel::table! {
    log_subtrees (level, subtree_index) {
        level -> Integer,
        subtree_index -> BigInt,
        hash -> Text,
    }
}

diesel::table! {
    revocations (certificate_id) {
        certificate_id -> Text,
        reason -> Text,
        revoked_by -> Text,
        revoked_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        name -> Text,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(applications -> farms (farm_id));
diesel::joinable!(audit_events -> applications (application_id));
diesel::joinable!(audit_events -> certificates (certificate_id));
diesel::joinable!(audit_events -> users (actor_id));
diesel::joinable!(certificate_status -> certificates (certificate_id));
diesel::joinable!(certificates -> applications (application_id));
diesel::joinable!(evidence -> applications (application_id));
diesel::joinable!(evidence -> users (uploaded_by));
diesel::joinable!(farm_members -> farms (farm_id));
diesel::joinable!(farm_members -> users (user_id));
diesel::joinable!(log_entries -> certificates (certificate_id));
diesel::joinable!(revocations -> certificates (certificate_id));
diesel::joinable!(revocations -> users (revoked_by));

diesel::allow_tables_to_appear_in_same_query!(
    api_tokens,
    applications,
    audit_events,
    certificate_status,
    certificates,
    evidence,
    farm_members,
    farms,
    issuer_keys,
    log_entries,
    log_subtrees,
    revocations,
    users,
);
