//! Applications and their audit trail.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{applications, audit_events, farm_members, users};
use super::{DbConnection, StorageError};

/// An application as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = applications)]
pub struct ApplicationRow {
    /// UUID.
    pub id: String,
    /// The farm.
    pub farm_id: String,
    /// The farmer who created it.
    pub created_by: String,
    /// `draft`, `submitted`, `approved` or `rejected`.
    pub status: String,
    /// Product name.
    pub product_name: String,
    /// Crop id.
    pub crop: String,
    /// GTIN-14.
    pub gtin: Option<String>,
    /// Lot.
    pub lot: Option<String>,
    /// First harvest day.
    pub harvest_start: NaiveDate,
    /// Last harvest day.
    pub harvest_end: NaiveDate,
    /// The activity data as sent.
    pub activity_json: String,
    /// The footprint report computed from it.
    pub result_json: String,
    /// Method id used.
    pub method_id: String,
    /// Factor set id used.
    pub factor_set_id: String,
    /// SHA-256 of the canonical input.
    pub input_sha256: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// Submitted.
    pub submitted_at: Option<NaiveDateTime>,
    /// Approved or rejected.
    pub decided_at: Option<NaiveDateTime>,
    /// Auditor who decided.
    pub decided_by: Option<String>,
    /// Rejection reason or approval note.
    pub decision_reason: Option<String>,
    /// 1 for a first application, one more for each correction of a rejected one.
    pub revision: i64,
    /// The rejected application this revision corrects.
    pub supersedes: Option<String>,
}

/// One line of the append-only audit trail.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_events)]
pub struct AuditEventRow {
    /// UUID.
    pub id: String,
    /// The application concerned.
    pub application_id: Option<String>,
    /// The certificate concerned.
    pub certificate_id: Option<String>,
    /// Who acted.
    pub actor_id: String,
    /// What happened: `created`, `submitted`, `approved`, `rejected`, `revoked`.
    pub action: String,
    /// Why, or what changed.
    pub detail: Option<String>,
    /// When.
    pub occurred_at: NaiveDateTime,
    /// Position in the whole trail; [`record_event`] sets it.
    pub sequence: i64,
}

/// A filter for listing applications.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    /// Only applications of farms this user belongs to.
    pub member_id: Option<String>,
    /// Only applications in this status.
    pub status: Option<String>,
    /// Leave drafts out (auditors see what was submitted to them).
    pub without_drafts: bool,
}

/// Adds an application.
pub fn insert_application(
    conn: &mut DbConnection,
    row: &ApplicationRow,
) -> Result<(), StorageError> {
    diesel::insert_into(applications::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Finds an application by id.
pub fn find_application(
    conn: &mut DbConnection,
    id: &str,
) -> Result<Option<ApplicationRow>, StorageError> {
    Ok(applications::table
        .find(id)
        .select(ApplicationRow::as_select())
        .first(conn)
        .optional()?)
}

/// Applications matching `filter`, newest first.
pub fn list_applications(
    conn: &mut DbConnection,
    filter: &ApplicationFilter,
) -> Result<Vec<ApplicationRow>, StorageError> {
    let mut query = applications::table
        .select(ApplicationRow::as_select())
        .into_boxed();
    if let Some(member_id) = &filter.member_id {
        let farms = farm_members::table
            .filter(farm_members::user_id.eq(member_id.clone()))
            .select(farm_members::farm_id);
        query = query.filter(applications::farm_id.eq_any(farms));
    }
    if let Some(status) = &filter.status {
        query = query.filter(applications::status.eq(status.clone()));
    }
    if filter.without_drafts {
        query = query.filter(applications::status.ne("draft"));
    }
    Ok(query
        .order((applications::created_at.desc(), applications::id))
        .load(conn)?)
}

/// Moves an application to `status`, recording who decided and why when given.
pub fn update_status(
    conn: &mut DbConnection,
    id: &str,
    status: &str,
    now: NaiveDateTime,
    decision: Option<(&str, Option<&str>)>,
) -> Result<(), StorageError> {
    let target = applications::table.find(id);
    diesel::update(target)
        .set((
            applications::status.eq(status),
            applications::updated_at.eq(now),
        ))
        .execute(conn)?;
    if status == "submitted" {
        diesel::update(target)
            .set(applications::submitted_at.eq(now))
            .execute(conn)?;
    }
    if let Some((decided_by, reason)) = decision {
        diesel::update(target)
            .set((
                applications::decided_at.eq(now),
                applications::decided_by.eq(decided_by),
                applications::decision_reason.eq(reason),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Appends to the audit trail, after every record already there. Call it inside a write
/// transaction, which keeps two writers from taking the same position.
pub fn record_event(conn: &mut DbConnection, event: &AuditEventRow) -> Result<(), StorageError> {
    let last: Option<i64> = audit_events::table
        .select(diesel::dsl::max(audit_events::sequence))
        .first(conn)?;
    let positioned = AuditEventRow {
        sequence: last.unwrap_or(0) + 1,
        ..event.clone()
    };
    diesel::insert_into(audit_events::table)
        .values(&positioned)
        .execute(conn)?;
    Ok(())
}

/// The audit trail of one application, oldest first.
pub fn events_of_application(
    conn: &mut DbConnection,
    application_id: &str,
) -> Result<Vec<AuditEventRow>, StorageError> {
    Ok(audit_events::table
        .filter(audit_events::application_id.eq(application_id))
        .select(AuditEventRow::as_select())
        .order(audit_events::sequence)
        .load(conn)?)
}

/// The audit trail of one application with each actor's name and role, oldest first.
pub fn history_of_application(
    conn: &mut DbConnection,
    application_id: &str,
) -> Result<Vec<(AuditEventRow, String, String)>, StorageError> {
    Ok(audit_events::table
        .inner_join(users::table)
        .filter(audit_events::application_id.eq(application_id))
        .select((AuditEventRow::as_select(), users::name, users::role))
        .order(audit_events::sequence)
        .load(conn)?)
}

/// The revision that corrects `application_id`, if one was made.
pub fn find_revision_of(
    conn: &mut DbConnection,
    application_id: &str,
) -> Result<Option<String>, StorageError> {
    Ok(applications::table
        .filter(applications::supersedes.eq(application_id))
        .select(applications::id)
        .first(conn)
        .optional()?)
}

/// Replaces the content of a draft: product, harvest, activity and what is computed from them.
pub fn replace_draft_content(
    conn: &mut DbConnection,
    row: &ApplicationRow,
) -> Result<(), StorageError> {
    diesel::update(applications::table.find(&row.id))
        .filter(applications::status.eq("draft"))
        .set((
            applications::product_name.eq(&row.product_name),
            applications::crop.eq(&row.crop),
            applications::gtin.eq(&row.gtin),
            applications::lot.eq(&row.lot),
            applications::harvest_start.eq(row.harvest_start),
            applications::harvest_end.eq(row.harvest_end),
            applications::activity_json.eq(&row.activity_json),
            applications::result_json.eq(&row.result_json),
            applications::method_id.eq(&row.method_id),
            applications::factor_set_id.eq(&row.factor_set_id),
            applications::input_sha256.eq(&row.input_sha256),
            applications::updated_at.eq(row.updated_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Sets the input hash of a draft (when its evidence changes).
pub fn set_input_sha256(
    conn: &mut DbConnection,
    id: &str,
    input_sha256: &str,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    diesel::update(applications::table.find(id))
        .set((
            applications::input_sha256.eq(input_sha256),
            applications::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}
