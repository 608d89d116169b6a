//! The Jinpoluo demo village: farms, accounts, applications in every state, issued, expired and
//! revoked certificates. Figures are realistic for Miyun (methodology section 8), not random.

use std::fmt;
use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;

use anyhow::Context;
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::accounts::Role;
use crate::application::parse_application_value;
use crate::certificate::CertificateCode;
use crate::db::users::count_users;
use crate::db::{DatabaseUrl, DbConnection};
use crate::http::AppState;
use crate::label::verification_url;
use crate::workflow::applications::{self as flow, Approval};
use crate::workflow::certificates::revoke_certificate;
use crate::workflow::users::{CreatedUser, FarmSpec, create_user};
use crate::workflow::{Actor, now_seconds};

const VILLAGE: &str = "金叵罗村 Jinpoluo";
const REGION: &str = "北京市密云区 Miyun District, Beijing";

/// What the demo created, to print for the person who started it.
#[derive(Debug, Default)]
pub struct DemoSummary {
    /// Whether anything was loaded (false when the database already had users).
    pub loaded: bool,
    /// (role, name, token) of each account.
    pub accounts: Vec<(Role, String, String)>,
    /// (what, URL) to open.
    pub urls: Vec<(String, String)>,
    /// Where the tokens were saved.
    pub tokens_file: Option<PathBuf>,
}

impl fmt::Display for DemoSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.loaded {
            writeln!(
                f,
                "The database already has accounts, so the demo was not loaded again."
            )?;
            if let Some(path) = &self.tokens_file {
                writeln!(
                    f,
                    "The demo tokens were saved in {} at first start.",
                    path.display()
                )?;
            }
            return writeln!(f, "Create another account with `zerolabel users add`.");
        }
        writeln!(
            f,
            "\nJinpoluo demo village loaded.\n\nAccounts (bearer tokens):"
        )?;
        for (role, name, token) in &self.accounts {
            writeln!(f, "  {role:<8} {name:<24} {token}")?;
        }
        if let Some(path) = &self.tokens_file {
            writeln!(f, "  (also saved in {})", path.display())?;
        }
        writeln!(f, "\nOpen:")?;
        for (what, url) in &self.urls {
            writeln!(f, "  {what:<44} {url}")?;
        }
        Ok(())
    }
}

/// Loads the demo unless the database already has users, saving the tokens to `tokens_file`.
pub fn load_if_empty(
    state: &AppState,
    tokens_file: Option<PathBuf>,
) -> anyhow::Result<DemoSummary> {
    let mut conn = state.pool.get()?;
    if count_users(&mut conn)? > 0 {
        let saved = tokens_file.filter(|path| path.exists());
        return Ok(DemoSummary {
            tokens_file: saved,
            ..DemoSummary::default()
        });
    }
    let mut summary = load(&mut conn, state)?;
    if let Some(path) = tokens_file {
        save_tokens(&path, &summary)?;
        summary.tokens_file = Some(path);
    }
    Ok(summary)
}

fn load(conn: &mut DbConnection, state: &AppState) -> anyhow::Result<DemoSummary> {
    let now = now_seconds();
    let mut summary = DemoSummary {
        loaded: true,
        ..DemoSummary::default()
    };
    let mut account = |name: &str, role: Role, farm: Option<&str>| -> anyhow::Result<CreatedUser> {
        let spec = farm.map(|farm| FarmSpec {
            name: farm.into(),
            village: VILLAGE.into(),
            region: REGION.into(),
        });
        let created = create_user(conn, name, role, spec.as_ref(), now)?;
        summary
            .accounts
            .push((role, name.to_owned(), created.token.clone()));
        Ok(created)
    };

    let chestnut = account(
        "王建国 Wang Jianguo",
        Role::Farmer,
        Some("金叵罗板栗园 Jinpoluo Chestnut Orchard"),
    )?;
    let apple = account(
        "李秀英 Li Xiuying",
        Role::Farmer,
        Some("金叵罗苹果园 Jinpoluo Apple Orchard"),
    )?;
    let greens = account(
        "张伟 Zhang Wei",
        Role::Farmer,
        Some("金叵罗有机菜园 Jinpoluo Organic Vegetables"),
    )?;
    let bees = account(
        "赵春梅 Zhao Chunmei",
        Role::Farmer,
        Some("金叵罗蜂场 Jinpoluo Apiary"),
    )?;
    let auditor = account("陈静 Chen Jing (auditor)", Role::Auditor, None)?;
    account("Village administrator", Role::Admin, None)?;

    let issued = issue_demo_batches(
        conn,
        state,
        &[&chestnut, &apple, &greens, &bees],
        &auditor.actor,
        now,
    )?;
    summary.urls = urls(state, &issued);
    Ok(summary)
}

/// Certificates the demo issued, to point people at.
struct Issued {
    valid: CertificateCode,
    zero_carbon: CertificateCode,
    expired: CertificateCode,
    revoked: CertificateCode,
}

fn issue_demo_batches(
    conn: &mut DbConnection,
    state: &AppState,
    farmers: &[&CreatedUser; 4],
    auditor: &Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<Issued> {
    let [chestnut, apple, greens, bees] = *farmers;
    let approve = Approval::default();
    // A past season's window, 365 days long: a window that has already ended may be signed
    // (see `ValidityWindow`), and buyers see it as expired.
    let last_season = Approval {
        valid_from: Utc.with_ymd_and_hms(2025, 10, 15, 0, 0, 0).single(),
        valid_until: Utc.with_ymd_and_hms(2026, 10, 15, 0, 0, 0).single(),
        note: Some("2025 season".into()),
    };

    let valid = approved(
        conn,
        state,
        chestnut,
        chestnut_2026(chestnut),
        auditor,
        &approve,
        now,
    )?;
    let expired = approved(
        conn,
        state,
        chestnut,
        chestnut_2025(chestnut),
        auditor,
        &last_season,
        now,
    )?;
    let zero_carbon = approved(
        conn,
        state,
        greens,
        cabbage_2026(greens),
        auditor,
        &approve,
        now,
    )?;
    let revoked = approved(conn, state, bees, honey_2026(bees), auditor, &approve, now)?;
    let reason = "Hive count could not be confirmed at the follow-up visit";
    revoke_certificate(conn, auditor, revoked.uuid(), reason, now)?;

    let apple_draft = drafted(conn, apple, apple_2026(apple, "2026-B"), now)?;
    let apple_submitted = drafted(conn, apple, apple_2026(apple, "2026-A"), now)?;
    flow::submit_application(conn, &apple.actor, apple_submitted, now)?;
    let rejected = drafted(conn, greens, tomato_2026(greens), now)?;
    flow::submit_application(conn, &greens.actor, rejected, now)?;
    let why =
        "Electricity figure does not match the meter reading photo; please correct and resubmit";
    flow::reject_application(conn, auditor, rejected, why, now)?;
    tracing::info!(%apple_draft, "demo applications created");

    Ok(Issued {
        valid,
        zero_carbon,
        expired,
        revoked,
    })
}

fn drafted(
    conn: &mut DbConnection,
    farmer: &CreatedUser,
    body: Value,
    now: DateTime<Utc>,
) -> anyhow::Result<Uuid> {
    let input =
        parse_application_value(body).map_err(|e| anyhow::anyhow!("demo data is invalid: {e}"))?;
    Ok(flow::create_application(conn, &farmer.actor, input, now)?.id)
}

fn approved(
    conn: &mut DbConnection,
    state: &AppState,
    farmer: &CreatedUser,
    body: Value,
    auditor: &Actor,
    approval: &Approval,
    now: DateTime<Utc>,
) -> anyhow::Result<CertificateCode> {
    let id = drafted(conn, farmer, body, now)?;
    flow::submit_application(conn, &farmer.actor, id, now)?;
    let view = flow::approve_application(conn, &state.issuing, auditor, id, approval, now)?;
    let certificate = view.certificate.context("approval issued no certificate")?;
    Ok(CertificateCode::from_uuid(certificate.id))
}

fn farm_id(farmer: &CreatedUser) -> String {
    farmer.farm_id.map(|id| id.to_string()).unwrap_or_default()
}

fn chestnut_2026(farmer: &CreatedUser) -> Value {
    json!({
        "farm_id": farm_id(farmer),
        "product": {"name": "金叵罗板栗 Jinpoluo chestnuts", "crop": "chestnut", "gtin": "06901234567892", "lot": "2026-CH-01"},
        "harvest": {"start": "2026-09-05", "end": "2026-09-30"},
        "activity": {
            "crop": "chestnut", "area_ha": 2.0, "yield_kg": 3600,
            "organic_n_kg": 90, "crop_residue_n_kg": 20, "p2o5_kg": 30, "k2o_kg": 40,
            "diesel_l": 60, "electricity_kwh": 150,
            "inbound_transport_tkm": {"light_truck": 40}
        }
    })
}

fn chestnut_2025(farmer: &CreatedUser) -> Value {
    json!({
        "farm_id": farm_id(farmer),
        "product": {"name": "金叵罗板栗 Jinpoluo chestnuts", "crop": "chestnut", "lot": "2025-CH-01"},
        "harvest": {"start": "2025-09-08", "end": "2025-09-28"},
        "activity": {
            "crop": "chestnut", "area_ha": 2.0, "yield_kg": 3300,
            "urea_kg": 60, "organic_n_kg": 60, "crop_residue_n_kg": 20,
            "diesel_l": 70, "electricity_kwh": 160
        }
    })
}

fn cabbage_2026(farmer: &CreatedUser) -> Value {
    json!({
        "farm_id": farm_id(farmer),
        "product": {"name": "有机大白菜 Organic Chinese cabbage", "crop": "chinese_cabbage", "lot": "2026-CC-03"},
        "harvest": {"start": "2026-10-20", "end": "2026-11-10"},
        "activity": {
            "crop": "chinese_cabbage", "area_ha": 1.0, "yield_kg": 60000,
            "organic_n_kg": 200, "crop_residue_n_kg": 30, "diesel_l": 60, "electricity_kwh": 400,
            "inbound_transport_tkm": {"light_truck": 150},
            "removals": {"soc_measured": {
                "stock_t1_t_c_per_ha": 30.0, "stock_t2_t_c_per_ha": 33.5, "years": 5,
                "depth_cm": 30, "verified": true
            }}
        }
    })
}

fn honey_2026(farmer: &CreatedUser) -> Value {
    json!({
        "farm_id": farm_id(farmer),
        "product": {"name": "荆花蜜 Vitex honey", "crop": "honey", "lot": "2026-HN-02"},
        "harvest": {"start": "2026-07-01", "end": "2026-08-15"},
        "activity": {
            "crop": "honey", "hives": 50, "yield_kg": 1000, "price_cny_per_kg": 60,
            "co_products": [{"name": "beeswax", "kg": 20, "price_cny_per_kg": 40}],
            "gasoline_l": 80, "electricity_kwh": 150
        }
    })
}

fn apple_2026(farmer: &CreatedUser, lot: &str) -> Value {
    json!({
        "farm_id": farm_id(farmer),
        "product": {"name": "金叵罗苹果 Jinpoluo apples", "crop": "apple", "lot": lot},
        "harvest": {"start": "2026-09-20", "end": "2026-10-25"},
        "activity": {
            "crop": "apple", "area_ha": 1.5, "yield_kg": 45000,
            "urea_kg": 150, "organic_n_kg": 120, "p2o5_kg": 60, "k2o_kg": 90,
            "diesel_l": 180, "electricity_kwh": 900
        }
    })
}

fn tomato_2026(farmer: &CreatedUser) -> Value {
    json!({
        "farm_id": farm_id(farmer),
        "product": {"name": "露地番茄 Open-field tomatoes", "crop": "tomato", "lot": "2026-TM-01"},
        "harvest": {"start": "2026-07-10", "end": "2026-09-10"},
        "activity": {
            "crop": "tomato", "area_ha": 0.5, "yield_kg": 30000,
            "organic_n_kg": 150, "compost_feedstock_on_farm_kg_dm": 6000, "crop_residue_n_kg": 25,
            "diesel_l": 40, "electricity_kwh": 300, "plastic_film_kg": 60,
            "inbound_transport_tkm": {"light_truck": 120}
        }
    })
}

fn urls(state: &AppState, issued: &Issued) -> Vec<(String, String)> {
    let base = state.base_url();
    vec![
        ("Start page".into(), format!("{base}/")),
        ("Calculator".into(), format!("{base}/calculator")),
        (
            "Buyer page, valid chestnut label".into(),
            verification_url(base, issued.valid),
        ),
        (
            "Buyer page, zero-carbon cabbage".into(),
            verification_url(base, issued.zero_carbon),
        ),
        (
            "Buyer page, expired 2025 chestnuts".into(),
            verification_url(base, issued.expired),
        ),
        (
            "Buyer page, revoked honey".into(),
            verification_url(base, issued.revoked),
        ),
        (
            "Label QR code (PNG), chestnuts".into(),
            format!("{base}/api/v1/certificates/{}/qr.png", issued.valid),
        ),
        (
            "Printable label (PDF), chestnuts".into(),
            format!("{base}/api/v1/certificates/{}/label.pdf", issued.valid),
        ),
        (
            "A4 sheet of 40 labels (PDF), chestnuts".into(),
            format!("{base}/api/v1/certificates/{}/labels.pdf", issued.valid),
        ),
        (
            "Signed certificate, chestnuts".into(),
            format!("{base}/api/v1/certificates/{}", issued.valid),
        ),
        ("Issuer keys".into(), format!("{base}/.well-known/did.json")),
    ]
}

fn save_tokens(path: &PathBuf, summary: &DemoSummary) -> anyhow::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    for (role, name, token) in &summary.accounts {
        writeln!(file, "{role}\t{name}\t{token}")?;
    }
    Ok(())
}

/// Where the demo keeps its tokens: beside the SQLite file. On PostgreSQL they are printed only.
pub fn tokens_path(database_url: &str) -> Option<PathBuf> {
    let url = DatabaseUrl::parse(database_url).ok()?;
    Some(url.sqlite_file()?.with_file_name("demo-tokens.txt"))
}
