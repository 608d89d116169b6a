//! Creating, listing, submitting, approving and rejecting batch applications.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{Actor, IssuerContext, WorkflowError, require_role, utc};
use crate::accounts::Role;
use crate::application::{
    ApplicationInput, ApplicationStatus, HarvestPeriod, MAX_VALIDITY_DAYS, Product, ValidityWindow,
    merge_patch, parse_application_value,
};
use crate::certificate::{
    CertificateClaim, CertificateCode, FarmIdentity, document_sha256, unsigned_document,
};
use crate::credential;
use crate::db::applications::{self as rows, ApplicationFilter, ApplicationRow, AuditEventRow};
use crate::db::certificates::{self as cert_rows, CertificateRow};
use crate::db::evidence as evidence_rows;
use crate::db::{self, DbConnection, StorageError, farms, status_lists};
use crate::footprint::{self, FootprintReport};
use crate::footprint::{ErrorCode, FieldError, InputErrors};
use crate::label::verification_url;
use crate::status::{LIST_SIZE, status_list_entry};
use crate::workflow::evidence::input_sha256_with_evidence;
use crate::workflow::keys::active_signing_key;
use crate::workflow::transparency::{LeafEvent, append_leaf};

/// How long a certificate stays valid when the auditor gives no end.
pub const DEFAULT_VALIDITY_DAYS: i64 = 365;

const _: () = assert!(DEFAULT_VALIDITY_DAYS <= MAX_VALIDITY_DAYS);

/// An application as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ApplicationView {
    /// Id.
    pub id: Uuid,
    /// Farm id.
    pub farm_id: Uuid,
    /// Where it is in the workflow.
    pub status: ApplicationStatus,
    /// What is sold.
    pub product: Product,
    /// When it was harvested.
    pub harvest: HarvestPeriod,
    /// Activity data as sent.
    pub activity: Value,
    /// The computed footprint.
    pub result: Value,
    /// Method id.
    pub method_id: String,
    /// Factor set id.
    pub factor_set_id: String,
    /// SHA-256 of the canonical input.
    pub input_sha256: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Approved or rejected.
    pub decided_at: Option<DateTime<Utc>>,
    /// Reason for a rejection, or the approval note.
    pub decision_reason: Option<String>,
    /// 1 for a first application, one more for each correction of a rejected one.
    pub revision: i64,
    /// The rejected application this revision corrects.
    pub supersedes: Option<Uuid>,
    /// The certificate, once approved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<CertificateSummary>,
}

/// One record of an application's audit trail: who did what, when, and why.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// `created`, `edited`, `submitted`, `approved`, `rejected`, `revised`, `revoked`.
    pub action: String,
    /// Who.
    pub actor: HistoryActor,
    /// Why (a rejection or revocation reason, an approval note) or what changed.
    pub detail: Option<String>,
    /// The certificate concerned, for approval and revocation.
    pub certificate_id: Option<Uuid>,
}

/// The account behind a history entry.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryActor {
    /// User id.
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: String,
}

/// Where to find an issued certificate.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateSummary {
    /// Certificate id.
    pub id: Uuid,
    /// The printed code.
    pub code: String,
    /// The buyer page the QR code leads to.
    pub verify_url: String,
    /// End of validity.
    pub valid_until: DateTime<Utc>,
    /// Where the farmer downloads the printable labels.
    pub labels: LabelDownloads,
}

/// The printable forms of a certificate's label, as absolute URLs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LabelDownloads {
    /// One 40 × 25 mm label, SVG.
    pub svg: String,
    /// One label, PNG at 300 dpi.
    pub png: String,
    /// One label, PDF of its own size.
    pub pdf: String,
    /// An A4 sheet of 40 labels with cut marks (`?count=` for more or fewer).
    pub sheet_pdf: String,
}

impl LabelDownloads {
    fn of(public_base_url: &str, code: CertificateCode) -> Self {
        let base = format!(
            "{}/api/v1/certificates/{code}",
            public_base_url.trim_end_matches('/')
        );
        LabelDownloads {
            svg: format!("{base}/label.svg"),
            png: format!("{base}/label.png"),
            pdf: format!("{base}/label.pdf"),
            sheet_pdf: format!("{base}/labels.pdf"),
        }
    }
}

/// What an auditor may say when approving.
#[derive(Debug, Clone, Default)]
pub struct Approval {
    /// Start of validity; now if absent.
    pub valid_from: Option<DateTime<Utc>>,
    /// End of validity; [`DEFAULT_VALIDITY_DAYS`] after the start if absent. Either way the
    /// window must pass [`ValidityWindow::new`].
    pub valid_until: Option<DateTime<Utc>>,
    /// A note for the audit trail.
    pub note: Option<String>,
}

/// Stores a new draft with its footprint computed at once.
pub fn create_application(
    conn: &mut DbConnection,
    actor: &Actor,
    input: ApplicationInput,
    now: DateTime<Utc>,
) -> Result<ApplicationView, WorkflowError> {
    require_role(actor, &[Role::Farmer], "creating an application")?;
    let farm_id = input.farm_id.to_string();
    if !farms::is_member(conn, &farm_id, &actor.id.to_string())? {
        return Err(WorkflowError::Forbidden(format!(
            "you are not a member of farm {farm_id}"
        )));
    }

    let row = new_application_row(actor, &input, now)?;
    db::write_transaction(conn, |conn| -> Result<(), WorkflowError> {
        rows::insert_application(conn, &row)?;
        rows::record_event(conn, &event(&row.id, None, actor, "created", None, now))?;
        Ok(())
    })?;
    view(conn, row)
}

fn new_application_row(
    actor: &Actor,
    input: &ApplicationInput,
    now: DateTime<Utc>,
) -> Result<ApplicationRow, WorkflowError> {
    let report = footprint::calculate(&input.activity).report();
    Ok(ApplicationRow {
        id: Uuid::new_v4().to_string(),
        farm_id: input.farm_id.to_string(),
        created_by: actor.id.to_string(),
        status: ApplicationStatus::Draft.as_str().to_owned(),
        product_name: input.product.name.clone(),
        crop: input.product.crop.clone(),
        gtin: input.product.gtin.clone(),
        lot: input.product.lot.clone(),
        harvest_start: input.harvest.start,
        harvest_end: input.harvest.end,
        activity_json: input.activity_json.to_string(),
        result_json: to_json(&report)?,
        method_id: report.method_id.clone(),
        factor_set_id: report.factor_set_id.clone(),
        input_sha256: canonical_sha256(&input.body)?,
        created_at: now.naive_utc(),
        updated_at: now.naive_utc(),
        submitted_at: None,
        decided_at: None,
        decided_by: None,
        decision_reason: None,
        revision: 1,
        supersedes: None,
    })
}

/// SHA-256 of the RFC 8785 canonical form of the input, so that the hash does not depend on
/// key order or white space.
pub(super) fn canonical_sha256(body: &Value) -> Result<String, WorkflowError> {
    let canonical =
        credential::canonicalize(body).map_err(|e| WorkflowError::Signing(e.to_string()))?;
    Ok(hex::encode(Sha256::digest(&canonical)))
}

fn to_json(report: &FootprintReport) -> Result<String, WorkflowError> {
    serde_json::to_string(report).map_err(|e| WorkflowError::Signing(e.to_string()))
}

/// The applications an actor may see: a farmer's own farms'; every farm's submitted, approved
/// and rejected ones for auditors; all for admins.
pub fn list_applications(
    conn: &mut DbConnection,
    actor: &Actor,
    status: Option<ApplicationStatus>,
) -> Result<Vec<ApplicationView>, WorkflowError> {
    let filter = ApplicationFilter {
        member_id: (actor.role == Role::Farmer).then(|| actor.id.to_string()),
        status: status.map(|s| s.as_str().to_owned()),
        without_drafts: actor.role == Role::Auditor,
    };
    let found = rows::list_applications(conn, &filter)?;
    found.into_iter().map(|row| view(conn, row)).collect()
}

/// One application, if the actor may see it. A farmer asking for another farm's application,
/// or an auditor for a draft, is told it does not exist, so nothing leaks.
pub fn get_application(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<ApplicationView, WorkflowError> {
    let row = readable_row(conn, actor, id)?;
    view(conn, row)
}

/// The application, if the actor may read it: as [`visible_row`], and no drafts for auditors,
/// who see what was submitted to them; a draft is the farmer's until then.
pub(super) fn readable_row(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<ApplicationRow, WorkflowError> {
    let row = visible_row(conn, actor, id)?;
    if actor.role == Role::Auditor && row.status == ApplicationStatus::Draft.as_str() {
        return Err(WorkflowError::NotFound("application"));
    }
    Ok(row)
}

/// The application, if the actor may act on it: any for auditors and admins (whose steps are
/// then refused by role or state), only their farms' for farmers.
pub(super) fn visible_row(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<ApplicationRow, WorkflowError> {
    let row = rows::find_application(conn, &id.to_string())?
        .ok_or(WorkflowError::NotFound("application"))?;
    let hidden =
        actor.role == Role::Farmer && !farms::is_member(conn, &row.farm_id, &actor.id.to_string())?;
    if hidden {
        return Err(WorkflowError::NotFound("application"));
    }
    Ok(row)
}

/// The audit trail of an application the actor may see, oldest first.
pub fn application_history(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<Vec<HistoryEntry>, WorkflowError> {
    let row = readable_row(conn, actor, id)?;
    let events = rows::history_of_application(conn, &row.id)?;
    events
        .into_iter()
        .map(|(event, name, role)| {
            Ok(HistoryEntry {
                at: utc(event.occurred_at),
                action: event.action,
                actor: HistoryActor {
                    id: db::stored_uuid(&event.actor_id)?,
                    name,
                    role,
                },
                detail: event.detail,
                certificate_id: event
                    .certificate_id
                    .as_deref()
                    .map(db::stored_uuid)
                    .transpose()?,
            })
        })
        .collect()
}

/// Changes a draft with a JSON merge patch (RFC 7396) of its body, by a farmer of its farm.
/// The patched body must pass every rule a new application must; the footprint and the input
/// hash are computed again. Anything but a draft is refused with a conflict.
pub fn update_draft(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    patch: &Value,
    now: DateTime<Utc>,
) -> Result<ApplicationView, WorkflowError> {
    require_role(actor, &[Role::Farmer], "editing an application")?;
    require_object_patch(patch)?;
    db::write_transaction(conn, |conn| -> Result<(), WorkflowError> {
        let row = visible_row(conn, actor, id)?;
        stored_status(&row)?.edit()?;
        let before = stored_body(&row)?;
        let input = patched_input(&row, patch)?;

        let mut updated = new_application_row(actor, &input, now)?;
        updated.id = row.id.clone();
        updated.input_sha256 = input_sha256_with_evidence(conn, &row.id, &input.body)?;
        rows::replace_draft_content(conn, &updated)?;
        let changed = changed_fields(&before, &input.body);
        let detail = format!("changed: {changed}");
        rows::record_event(
            conn,
            &event(&row.id, None, actor, "edited", Some(&detail), now),
        )?;
        Ok(())
    })?;
    get_application(conn, actor, id)
}

/// Corrects a rejected application in a new revision: a draft copying it and its evidence
/// (with the merge patch applied, when given) that names the rejected one it supersedes. The rejected
/// application stays as the auditor decided it; each can be revised once.
pub fn revise_application(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    patch: Option<&Value>,
    now: DateTime<Utc>,
) -> Result<ApplicationView, WorkflowError> {
    require_role(actor, &[Role::Farmer], "revising an application")?;
    if let Some(patch) = patch {
        require_object_patch(patch)?;
    }
    let new_id = db::write_transaction(conn, |conn| -> Result<String, WorkflowError> {
        let row = visible_row(conn, actor, id)?;
        stored_status(&row)?.revise()?;
        if let Some(existing) = rows::find_revision_of(conn, &row.id)? {
            return Err(WorkflowError::Conflict(format!(
                "this application was already revised as {existing}; edit and submit that one"
            )));
        }
        let input = patched_input(&row, patch.unwrap_or(&Value::Null))?;

        let mut revision = new_application_row(actor, &input, now)?;
        revision.revision = row.revision + 1;
        revision.supersedes = Some(row.id.clone());
        rows::insert_application(conn, &revision)?;
        let new_id = || Uuid::new_v4().to_string();
        if evidence_rows::copy_evidence(conn, &row.id, &revision.id, new_id)? > 0 {
            let hash = input_sha256_with_evidence(conn, &revision.id, &input.body)?;
            rows::set_input_sha256(conn, &revision.id, &hash, now.naive_utc())?;
        }
        let created = format!("revision {} correcting {}", revision.revision, row.id);
        rows::record_event(
            conn,
            &event(&revision.id, None, actor, "created", Some(&created), now),
        )?;
        let revised = format!(
            "corrected in revision {}: {}",
            revision.revision, revision.id
        );
        rows::record_event(
            conn,
            &event(&row.id, None, actor, "revised", Some(&revised), now),
        )?;
        Ok(revision.id)
    })?;
    get_application(conn, actor, db::stored_uuid(&new_id)?)
}

fn require_object_patch(patch: &Value) -> Result<(), WorkflowError> {
    if patch.is_object() {
        return Ok(());
    }
    let message = "the body must be a JSON object naming the fields to change (a merge patch)";
    let error = FieldError::new("", ErrorCode::TypeError, message);
    Err(WorkflowError::Invalid(InputErrors::invalid(vec![error])))
}

/// The stored application's body with `patch` applied, checked like a new application. The
/// farm cannot change: a batch from another farm is another application.
fn patched_input(row: &ApplicationRow, patch: &Value) -> Result<ApplicationInput, WorkflowError> {
    let mut body = stored_body(row)?;
    if !patch.is_null() {
        merge_patch(&mut body, patch);
    }
    let input = parse_application_value(body)?;
    if input.farm_id.to_string() != row.farm_id {
        let message = format!(
            "farm_id cannot change (it is {}): create a new application for another farm",
            row.farm_id
        );
        let error = FieldError::new("farm_id", ErrorCode::InvalidValue, message);
        return Err(WorkflowError::Invalid(InputErrors::invalid(vec![error])));
    }
    Ok(input)
}

/// The application body as stored, in the shape it is sent in.
pub(super) fn stored_body(row: &ApplicationRow) -> Result<Value, WorkflowError> {
    let activity: Value = serde_json::from_str(&row.activity_json)
        .map_err(|e| StorageError::Corrupt(format!("activity: {e}")))?;
    let product = serde_json::to_value(product_of(row))
        .map_err(|e| StorageError::Corrupt(format!("product: {e}")))?;
    Ok(serde_json::json!({
        "farm_id": row.farm_id,
        "product": product,
        "harvest": {"start": row.harvest_start, "end": row.harvest_end},
        "activity": activity,
    }))
}

/// The top-level fields whose values differ, for the audit trail.
fn changed_fields(before: &Value, after: &Value) -> String {
    let names: Vec<&str> = ["product", "harvest", "activity"]
        .into_iter()
        .filter(|name| before.get(name) != after.get(name))
        .collect();
    if names.is_empty() {
        "nothing".to_owned()
    } else {
        names.join(", ")
    }
}

/// Draft -> submitted, by a farmer of the farm.
pub fn submit_application(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<ApplicationView, WorkflowError> {
    require_role(actor, &[Role::Farmer], "submitting an application")?;
    let row = db::write_transaction(conn, |conn| -> Result<_, WorkflowError> {
        let row = visible_row(conn, actor, id)?;
        let next = stored_status(&row)?.submit()?;
        rows::update_status(conn, &row.id, next.as_str(), now.naive_utc(), None)?;
        rows::record_event(conn, &event(&row.id, None, actor, "submitted", None, now))?;
        Ok(row)
    })?;
    get_application(conn, actor, db::stored_uuid(&row.id)?)
}

/// Submitted -> rejected, by an auditor who does not belong to the farm, with a reason.
pub fn reject_application(
    conn: &mut DbConnection,
    actor: &Actor,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<ApplicationView, WorkflowError> {
    require_role(actor, &[Role::Auditor], "rejecting an application")?;
    let actor_id = actor.id.to_string();
    db::write_transaction(conn, |conn| -> Result<_, WorkflowError> {
        let row = visible_row(conn, actor, id)?;
        require_independent(conn, actor, &row, "rejecting")?;
        let next = stored_status(&row)?.reject()?;
        let decision = Some((actor_id.as_str(), Some(reason)));
        rows::update_status(conn, &row.id, next.as_str(), now.naive_utc(), decision)?;
        rows::record_event(
            conn,
            &event(&row.id, None, actor, "rejected", Some(reason), now),
        )?;
        Ok(())
    })?;
    get_application(conn, actor, id)
}

/// Submitted -> approved, by an auditor who does not belong to the farm: signs and stores the
/// certificate in the same transaction as the approval, so there is never an approval without
/// its certificate.
pub fn approve_application(
    conn: &mut DbConnection,
    issuing: &IssuerContext,
    actor: &Actor,
    id: Uuid,
    approval: &Approval,
    now: DateTime<Utc>,
) -> Result<ApplicationView, WorkflowError> {
    require_role(actor, &[Role::Auditor], "approving an application")?;
    let window = validity(approval, now)?;
    let actor_id = actor.id.to_string();
    db::write_transaction(conn, |conn| -> Result<(), WorkflowError> {
        let row = visible_row(conn, actor, id)?;
        require_independent(conn, actor, &row, "approving")?;
        let next = stored_status(&row)?.approve()?;
        let (list_id, list_index) = status_lists::next_free_entry(conn, LIST_SIZE)?;
        let status_url = status_list_url(&issuing.public_base_url, list_id);
        let status_entry = status_list_entry(&status_url, u64::try_from(list_index).unwrap_or(0));
        let certificate = sign_certificate(conn, issuing, actor, &row, window, &status_entry, now)?;
        cert_rows::insert_certificate(conn, &certificate)?;
        status_lists::insert_entry(conn, &certificate.id, list_id, list_index)?;
        let issued = LeafEvent::Issuance {
            certificate_id: &certificate.id,
            document_sha256: &certificate.document_sha256,
            at: now,
        };
        append_leaf(conn, &issued, Some(&certificate.id), now)?;

        let decision = Some((actor_id.as_str(), approval.note.as_deref()));
        rows::update_status(conn, &row.id, next.as_str(), now.naive_utc(), decision)?;
        let note = approval.note.as_deref();
        let approved = event(&row.id, Some(&certificate.id), actor, "approved", note, now);
        rows::record_event(conn, &approved)?;
        Ok(())
    })?;
    get_application(conn, actor, id)
}

fn sign_certificate(
    conn: &mut DbConnection,
    issuing: &IssuerContext,
    actor: &Actor,
    row: &ApplicationRow,
    window: ValidityWindow,
    status_entry: &Value,
    now: DateTime<Utc>,
) -> Result<CertificateRow, WorkflowError> {
    let (valid_from, valid_until) = (window.valid_from(), window.valid_until());
    let farm = farms::find_farm(conn, &row.farm_id)?.ok_or(WorkflowError::NotFound("farm"))?;
    let farm = FarmIdentity {
        name: farm.name,
        village: farm.village,
        region: farm.region,
    };
    let report: FootprintReport = serde_json::from_str(&row.result_json)
        .map_err(|e| StorageError::Corrupt(format!("stored footprint: {e}")))?;
    let certificate_id = Uuid::new_v4();

    let claim = CertificateClaim {
        certificate_id,
        application_id: db::stored_uuid(&row.id)?,
        issuer: &issuing.issuer,
        valid_from,
        valid_until,
        product: &product_of(row),
        farm: &farm,
        harvest: &HarvestPeriod {
            start: row.harvest_start,
            end: row.harvest_end,
        },
        footprint: &report,
        input_sha256: &row.input_sha256,
        audited_by: &actor.name,
        status_entry,
    };
    let key = active_signing_key(conn, &issuing.keys)?;
    let signed = credential::add_proof(&unsigned_document(&claim), key.signing_key(), now)
        .map_err(|e| WorkflowError::Signing(e.to_string()))?;
    let document = signed.to_string();

    Ok(CertificateRow {
        id: certificate_id.to_string(),
        code: CertificateCode::from_uuid(certificate_id).to_string(),
        application_id: row.id.clone(),
        document_sha256: document_sha256(&signed)
            .map_err(|e| WorkflowError::Signing(e.to_string()))?,
        document,
        verification_method: key.verification_method.clone(),
        valid_from: valid_from.naive_utc(),
        valid_until: valid_until.naive_utc(),
        issued_at: now.naive_utc(),
    })
}

/// The window the auditor asked for, with the defaults filled in; bad input (reversed, or
/// longer than [`MAX_VALIDITY_DAYS`]) is refused before anything is read or written.
fn validity(approval: &Approval, now: DateTime<Utc>) -> Result<ValidityWindow, WorkflowError> {
    let from = approval.valid_from.unwrap_or(now);
    let until = approval
        .valid_until
        .unwrap_or(from + Duration::days(DEFAULT_VALIDITY_DAYS));
    Ok(ValidityWindow::new(from, until)?)
}

/// Refuses a decision by someone who belongs to the application's farm: whoever approves or
/// rejects a batch must be independent of it. Accounts are no longer linked to farms unless they
/// are farmers, but this holds even for a membership written before that rule or by hand.
fn require_independent(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &ApplicationRow,
    step: &str,
) -> Result<(), WorkflowError> {
    if !farms::is_member(conn, &row.farm_id, &actor.id.to_string())? {
        return Ok(());
    }
    Err(WorkflowError::Forbidden(format!(
        "{step} this application is refused: you belong to its farm, and no one may decide \
         on a batch of their own farm"
    )))
}

fn product_of(row: &ApplicationRow) -> Product {
    Product {
        name: row.product_name.clone(),
        crop: row.crop.clone(),
        gtin: row.gtin.clone(),
        lot: row.lot.clone(),
    }
}

pub(super) fn stored_status(row: &ApplicationRow) -> Result<ApplicationStatus, StorageError> {
    row.status
        .parse()
        .map_err(|e: crate::application::UnknownStatus| StorageError::Corrupt(e.to_string()))
}

pub(super) fn event(
    application_id: &str,
    certificate_id: Option<&str>,
    actor: &Actor,
    action: &str,
    detail: Option<&str>,
    now: DateTime<Utc>,
) -> AuditEventRow {
    AuditEventRow {
        id: Uuid::new_v4().to_string(),
        application_id: Some(application_id.to_owned()),
        certificate_id: certificate_id.map(str::to_owned),
        actor_id: actor.id.to_string(),
        action: action.to_owned(),
        detail: detail.map(str::to_owned),
        occurred_at: now.naive_utc(),
        sequence: 0,
    }
}

fn view(conn: &mut DbConnection, row: ApplicationRow) -> Result<ApplicationView, WorkflowError> {
    let certificate = cert_rows::find_certificate_of_application(conn, &row.id)?
        .map(|certificate| summary(&certificate))
        .transpose()?;
    let corrupt = |what: &str, e: serde_json::Error| StorageError::Corrupt(format!("{what}: {e}"));

    Ok(ApplicationView {
        id: db::stored_uuid(&row.id)?,
        farm_id: db::stored_uuid(&row.farm_id)?,
        status: stored_status(&row)?,
        product: product_of(&row),
        harvest: HarvestPeriod {
            start: row.harvest_start,
            end: row.harvest_end,
        },
        activity: serde_json::from_str(&row.activity_json).map_err(|e| corrupt("activity", e))?,
        result: serde_json::from_str(&row.result_json).map_err(|e| corrupt("result", e))?,
        method_id: row.method_id,
        factor_set_id: row.factor_set_id,
        input_sha256: row.input_sha256,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
        submitted_at: row.submitted_at.map(utc),
        decided_at: row.decided_at.map(utc),
        decision_reason: row.decision_reason,
        revision: row.revision,
        supersedes: row.supersedes.as_deref().map(db::stored_uuid).transpose()?,
        certificate,
    })
}

fn summary(row: &CertificateRow) -> Result<CertificateSummary, StorageError> {
    let id = db::stored_uuid(&row.id)?;
    Ok(CertificateSummary {
        id,
        code: row.code.clone(),
        verify_url: String::new(),
        valid_until: utc(row.valid_until),
        labels: LabelDownloads::default(),
    })
}

/// Fills in the verification URL, which depends on where the service is reached.
pub fn with_urls(mut view: ApplicationView, public_base_url: &str) -> ApplicationView {
    if let Some(certificate) = view.certificate.as_mut() {
        let code = CertificateCode::from_uuid(certificate.id);
        certificate.verify_url = verification_url(public_base_url, code);
        certificate.labels = LabelDownloads::of(public_base_url, code);
    }
    view
}

/// Where status list `list_id` is served.
pub fn status_list_url(public_base_url: &str, list_id: i64) -> String {
    format!("{}/status/{list_id}", public_base_url.trim_end_matches('/'))
}
