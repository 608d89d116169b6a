//! Fills a database with issued certificates through the same workflow functions the HTTP
//! handlers call: each one is drafted, submitted and approved, so it has a real signature, a
//! real transparency-log leaf and a real status-list entry. Going through HTTP would add
//! nothing the load tests need and would take hours for a million certificates.

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::accounts::Role;
use crate::application::parse_application_value;
use crate::certificate::CertificateCode;
use crate::db::DbConnection;
use crate::workflow::applications::{self as flow, Approval};
use crate::workflow::users::{CreatedUser, FarmSpec, create_user};
use crate::workflow::{IssuerContext, now_seconds};

/// What a seeding run created: the accounts it used and every certificate code, in order.
#[derive(Debug)]
pub struct SeedSummary {
    /// Bearer token of the farmer whose farm holds the seeded batches.
    pub farmer_token: String,
    /// The farmer's farm, for new applications in a load test.
    pub farm_id: String,
    /// Bearer token of the auditor who approved them.
    pub auditor_token: String,
    /// The printed codes of the certificates issued, in issuing order.
    pub codes: Vec<CertificateCode>,
}

/// Issues `count` certificates for one new farmer, approved by one new auditor, calling
/// `progress` with the number issued so far after every `batch` certificates and after the last.
pub fn seed_certificates(
    conn: &mut DbConnection,
    issuing: &IssuerContext,
    count: usize,
    batch: usize,
    mut progress: impl FnMut(usize),
) -> anyhow::Result<SeedSummary> {
    let now = now_seconds();
    let (farmer, auditor) = seed_accounts(conn, now)?;
    let farm_id = farmer
        .farm_id
        .context("a farmer created with a farm has a farm")?
        .to_string();

    let batch = batch.max(1);
    let mut codes = Vec::with_capacity(count);
    for number in 0..count {
        codes.push(issue_one(
            conn, issuing, &farmer, &auditor, &farm_id, number, now,
        )?);
        let issued = number + 1;
        if issued % batch == 0 || issued == count {
            progress(issued);
        }
    }

    Ok(SeedSummary {
        farmer_token: farmer.token,
        farm_id,
        auditor_token: auditor.token,
        codes,
    })
}

/// A farmer with a farm of their own and an independent auditor, named so that several seeding
/// runs into one database stay apart.
fn seed_accounts(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
) -> anyhow::Result<(CreatedUser, CreatedUser)> {
    let run = now.format("%Y%m%dT%H%M%S");
    let farm = FarmSpec {
        name: format!("Benchmark chestnut orchard {run}"),
        village: "Jinpoluo".to_owned(),
        region: "Miyun District, Beijing".to_owned(),
    };
    let farmer = create_user(
        conn,
        &format!("Benchmark farmer {run}"),
        Role::Farmer,
        Some(&farm),
        now,
    )?;
    let auditor = create_user(
        conn,
        &format!("Benchmark auditor {run}"),
        Role::Auditor,
        None,
        now,
    )?;
    Ok((farmer, auditor))
}

/// Drafts, submits and approves one chestnut batch; each step is the workflow's own
/// transaction, exactly as through HTTP.
fn issue_one(
    conn: &mut DbConnection,
    issuing: &IssuerContext,
    farmer: &CreatedUser,
    auditor: &CreatedUser,
    farm_id: &str,
    number: usize,
    now: DateTime<Utc>,
) -> anyhow::Result<CertificateCode> {
    let input = parse_application_value(chestnut_batch(farm_id, number))
        .map_err(|e| anyhow::anyhow!("seed batch {number} is invalid: {e}"))?;
    let id = flow::create_application(conn, &farmer.actor, input, now)?.id;
    flow::submit_application(conn, &farmer.actor, id, now)?;

    let approval = Approval::default();
    let view = flow::approve_application(conn, issuing, &auditor.actor, id, &approval, now)?;
    let certificate = view.certificate.context("approval issued no certificate")?;
    Ok(CertificateCode::from_uuid(certificate.id))
}

/// A realistic Miyun chestnut batch (the demo's figures), its lot and yield varied by `number`
/// so that no two documents are alike.
pub fn chestnut_batch(farm_id: &str, number: usize) -> Value {
    let yield_kg = 3000 + (number % 1200);
    json!({
        "farm_id": farm_id,
        "product": {
            "name": "金叵罗板栗 Jinpoluo chestnuts",
            "crop": "chestnut",
            "lot": format!("BENCH-{number:07}"),
        },
        "harvest": {"start": "2026-09-05", "end": "2026-09-30"},
        "activity": {
            "crop": "chestnut", "area_ha": 2.0, "yield_kg": yield_kg,
            "organic_n_kg": 90, "crop_residue_n_kg": 20, "p2o5_kg": 30, "k2o_kg": 40,
            "diesel_l": 60, "electricity_kwh": 150,
            "inbound_transport_tkm": {"light_truck": 40}
        }
    })
}
