//! Micro-benchmarks of the pure code on a scan's and an issuance's path (performance.md):
//! footprint, canonicalise + sign, verify as the service does, QR encoding, the printable label
//! (SVG and 300 dpi PNG), and an inclusion proof in a log of a million leaves. Run with
//! `cargo bench --bench core`.

use std::hint::black_box;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::Value;
use uuid::Uuid;

use zerolabel::application::{HarvestPeriod, Product};
use zerolabel::benchmark::seed::chestnut_batch;
use zerolabel::certificate::{
    CertificateClaim, CertificateCode, FarmIdentity, Issuer, TrustedKey, evaluate,
    unsigned_document,
};
use zerolabel::credential::{self, generate_signing_key, multikey};
use zerolabel::footprint::{self, FootprintReport};
use zerolabel::label::qr::encode;
use zerolabel::label::verification_url;
use zerolabel::label::{LabelFacts, PRINT_DPI, label_svg, qr_payload, qr_png, qr_svg, render};
use zerolabel::status::status_list_entry;
use zerolabel::tlog::{self, MemoryStore};

/// A log of this many leaves for the inclusion proof (performance.md: "at 1 000 000 leaves").
const LOG_LEAVES: u64 = 1_000_000;

fn chestnut_activity() -> Value {
    chestnut_batch("00000000-0000-4000-8000-000000000000", 7)["activity"].clone()
}

fn chestnut_report() -> FootprintReport {
    let request = footprint::parse_request_value(&chestnut_activity(), "activity")
        .expect("the seed batch is a valid request");
    footprint::calculate(&request).report()
}

fn signed_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 1, 8, 0, 0)
        .single()
        .expect("a real time")
}

/// An unsigned certificate as an approval builds it, for the chestnut batch.
fn chestnut_certificate(report: &FootprintReport) -> Value {
    let issuer = Issuer {
        id: "did:web:labels.example.cn".to_owned(),
        name: "Jinpoluo Zero-Carbon Label Office".to_owned(),
    };
    let product = Product {
        name: "金叵罗板栗 Jinpoluo chestnuts".to_owned(),
        crop: "chestnut".to_owned(),
        gtin: Some("06901234567892".to_owned()),
        lot: Some("2026-CH-01".to_owned()),
    };
    let farm = FarmIdentity {
        name: "金叵罗板栗园 Jinpoluo Chestnut Orchard".to_owned(),
        village: "金叵罗村 Jinpoluo".to_owned(),
        region: "北京市密云区 Miyun District, Beijing".to_owned(),
    };
    let harvest = HarvestPeriod {
        start: NaiveDate::from_ymd_opt(2026, 9, 5).expect("a date"),
        end: NaiveDate::from_ymd_opt(2026, 9, 30).expect("a date"),
    };
    let status_entry = status_list_entry("https://labels.example.cn/status/1", 42);
    let claim = CertificateClaim {
        certificate_id: Uuid::from_u128(0x2b3c_4d5e_6f70_4182_93a4_b5c6_d7e8_f901),
        application_id: Uuid::from_u128(0x1a2b_3c4d_5e6f_4071_8293_a4b5_c6d7_e8f9),
        issuer: &issuer,
        valid_from: signed_at(),
        valid_until: signed_at() + chrono::Duration::days(365),
        product: &product,
        farm: &farm,
        harvest: &harvest,
        footprint: report,
        input_sha256: "5f1d3c0b4e2a6978c1d0e3f2a5b4c7d6e9f8a1b0c3d2e5f4a7b6c9d8e1f0a3b2",
        audited_by: "陈静 Chen Jing",
        status_entry: &status_entry,
    };
    unsigned_document(&claim)
}

fn footprint_benchmarks(c: &mut Criterion) {
    let activity = chestnut_activity();
    c.bench_function("footprint_chestnut_parse_calculate_report", |b| {
        b.iter(|| {
            let request = footprint::parse_request_value(black_box(&activity), "activity")
                .expect("valid request");
            black_box(footprint::calculate(&request).report())
        })
    });
}

fn credential_benchmarks(c: &mut Criterion) {
    let key = generate_signing_key().expect("a key");
    let document = chestnut_certificate(&chestnut_report());
    c.bench_function("certificate_canonicalise_and_sign", |b| {
        b.iter(|| credential::add_proof(black_box(&document), &key, signed_at()).expect("signed"))
    });

    let signed = credential::add_proof(&document, &key, signed_at()).expect("signed");
    c.bench_function("certificate_verify_proof_strict", |b| {
        b.iter(|| credential::verify_proof(black_box(&signed)).expect("verifies"))
    });

    let trusted = [TrustedKey {
        public_key_multibase: multikey(&key.verifying_key()),
        valid_from: signed_at() - chrono::Duration::days(1),
        valid_until: None,
        compromised_at: None,
    }];
    let now = signed_at() + chrono::Duration::days(30);
    c.bench_function("certificate_evaluate_as_served", |b| {
        b.iter(|| black_box(evaluate(black_box(&signed), Some(&trusted), false, now)))
    });
}

fn qr_benchmarks(c: &mut Criterion) {
    let code = CertificateCode::from_uuid(Uuid::from_u128(0x2b3c_4d5e_6f70_4182_93a4_b5c6));
    let url = verification_url("https://labels.example.cn", code);
    c.bench_function("qr_encode_svg", |b| {
        b.iter(|| qr_svg(black_box(&url)).expect("fits"))
    });
    c.bench_function("qr_encode_png_8px", |b| {
        b.iter(|| qr_png(black_box(&url), 8).expect("fits"))
    });
}

/// The label of the chestnut batch, as `label.svg` and `label.png` draw it.
fn label_benchmarks(c: &mut Criterion) {
    let code = CertificateCode::from_uuid(Uuid::from_u128(0x2b3c_4d5e_6f70_4182_93a4_b5c6));
    let qr = encode(&qr_payload("https://labels.example.cn", code)).expect("fits");
    let facts = LabelFacts {
        tier_zh: "低碳".to_owned(),
        tier_en: "Low carbon".to_owned(),
        footprint: "0.41 kg CO2e/kg".to_owned(),
        product: "金叵罗板栗 Jinpoluo chestnuts".to_owned(),
        lot: Some("2026-CH-01".to_owned()),
        farm: "金叵罗板栗园 Jinpoluo Chestnut Orchard".to_owned(),
        village: "金叵罗村 Jinpoluo".to_owned(),
        valid_until: "2027-10-01".to_owned(),
        issuer: "Jinpoluo Zero-Carbon Label Office".to_owned(),
    };
    c.bench_function("label_svg", |b| {
        b.iter(|| label_svg(black_box(&facts), &qr))
    });
    if !render::fonts_available() {
        eprintln!("label_png skipped: no Chinese font (install fonts-noto-cjk)");
        return;
    }
    let svg = label_svg(&facts, &qr);
    c.bench_function("label_png_300dpi", |b| {
        b.iter(|| render::png(black_box(&svg), PRINT_DPI).expect("renders"))
    });
}

fn inclusion_proof_benchmarks(c: &mut Criterion) {
    let mut store = MemoryStore::new();
    for index in 0..LOG_LEAVES {
        let leaf = tlog::leaf_hash(&index.to_be_bytes());
        store.append(leaf).expect("the log has room");
    }
    let size = store.size();
    let mut index = 0_u64;
    c.bench_function("inclusion_proof_1m_leaves", |b| {
        b.iter(|| {
            index = (index + 7919) % size;
            tlog::inclusion_proof(black_box(index), size, &store).expect("in range")
        })
    });

    let root = store.compact_range().root();
    let proof = tlog::inclusion_proof(123_456, size, &store).expect("in range");
    let leaf = tlog::leaf_hash(&123_456_u64.to_be_bytes());
    c.bench_function("inclusion_proof_1m_leaves_verify", |b| {
        b.iter(|| {
            tlog::verify_inclusion(&leaf, black_box(123_456), size, black_box(&proof), &root)
                .expect("valid")
        })
    });
}

criterion_group!(
    benches,
    footprint_benchmarks,
    credential_benchmarks,
    qr_benchmarks,
    label_benchmarks,
    inclusion_proof_benchmarks
);
criterion_main!(benches);
