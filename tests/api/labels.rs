//! Printed labels as a buyer meets them: every QR code and label image is decoded and its URL
//! followed to a verification result; PDFs are opened with poppler.

use std::process::Command;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, program_available, spawn_app};

/// A product, farm and lot at the lengths the service accepts, to crowd the label.
fn long_fields_application(farmer: &TestUser) -> Value {
    json!({
        "farm_id": farmer.farm_id.clone().expect("farm"),
        "product": {
            "name": "金叵罗有机板栗 Jinpoluo organic chestnuts, hand-picked from the old trees \
                     on the northern slope above the reservoir, roasted the same week",
            "crop": "chestnut",
            "gtin": "06901234567892",
            "lot": "2026-CH-NORTH-SLOPE1"
        },
        "harvest": {"start": "2026-09-05", "end": "2026-09-30"},
        "activity": {"crop": "chestnut", "area_ha": 2.0, "yield_kg": 3600, "organic_n_kg": 90,
            "diesel_l": 60}
    })
}

/// A farmer whose farm has a very long name, and a certificate with long fields.
async fn long_certificate(app: &TestApp, auditor: &TestUser) -> String {
    let farm = "金叵罗村北山坡百年板栗合作社 Jinpoluo Northern Slope Centennial Chestnut \
                Growers' Co-operative";
    let farmer = app.add_user("Li Xiuying", zerolabel::accounts::Role::Farmer, Some(farm));
    let approved = app
        .issue_with(
            &farmer,
            auditor,
            &long_fields_application(&farmer),
            &json!({}),
        )
        .await;
    certificate_id(&approved)
}

fn certificate_id(approved: &Value) -> String {
    approved["certificate"]["id"]
        .as_str()
        .expect("certificate id")
        .to_owned()
}

fn decode_qr(png: &[u8]) -> String {
    let image = image::load_from_memory(png).expect("png").to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().expect("the QR code decodes").1
}

async fn bytes_of(response: reqwest::Response) -> Vec<u8> {
    assert_eq!(response.status(), StatusCode::OK);
    response.bytes().await.expect("body").to_vec()
}

/// Follows a scanned URL as a phone's verifier would, asking for JSON.
async fn scan(app: &TestApp, url: &str) -> Value {
    let response = app.get_json_url(url).await;
    assert_eq!(response.status(), StatusCode::OK, "{url}");
    response.json().await.expect("verification JSON")
}

#[tokio::test]
async fn qr_codes_and_labels_of_short_and_long_certificates_scan_to_a_valid_result() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let short = certificate_id(&app.issue(&farmer, &auditor).await);
    let long = long_certificate(&app, &auditor).await;

    for id in [&short, &long] {
        let mut drawings = Vec::new();
        for px in [1, 2, 4, 8, 16] {
            drawings.push(format!("qr.png?px={px}"));
        }
        drawings.push("label.png".to_owned());
        for file in drawings {
            let png = bytes_of(app.drawing(id, &file).await).await;
            let url = decode_qr(&png);
            assert!(
                url.to_ascii_lowercase()
                    .starts_with(&format!("{}/v/", app.address)),
                "{file}: {url}"
            );
            let result = scan(&app, &url).await;
            assert_eq!(result["status"], "valid", "{file}");
            assert_eq!(result["certificate_id"], id.as_str(), "{file}");
        }
    }
}

#[tokio::test]
async fn the_label_png_is_a_40_by_25_mm_label_at_300_dpi() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let id = certificate_id(&app.issue(&farmer, &auditor).await);

    let response = app.drawing(&id, "label.png").await;
    assert_eq!(response.headers()["content-type"], "image/png");
    let image = image::load_from_memory(&bytes_of(response).await).expect("png");
    // 40 mm and 25 mm at 300 dots per inch.
    assert_eq!((image.width(), image.height()), (472, 295));
}

#[tokio::test]
async fn the_label_svg_states_the_claim_in_chinese_and_english() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let approved = app.issue(&farmer, &auditor).await;
    let id = certificate_id(&approved);
    let certificate = app.certificate_of(&approved).await;

    let response = app.drawing(&id, "label.svg").await;
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
    let svg = String::from_utf8(bytes_of(response).await).expect("utf-8");
    assert!(svg.contains("width=\"40mm\" height=\"25mm\""), "{svg}");
    let tier = certificate["credentialSubject"]["label"]["tier"]
        .as_str()
        .expect("tier");
    let (zh, en) = match tier {
        "low_carbon" => ("低碳", "Low carbon"),
        "zero_carbon" => ("零碳", "Zero carbon"),
        other => panic!("the chestnut case is low or zero carbon, not {other}"),
    };
    let gross: f64 = certificate["credentialSubject"]["footprint"]["gross_kg_co2e_per_kg"]
        .as_str()
        .expect("decimal string")
        .parse()
        .expect("number");
    let valid_until = &certificate["validUntil"].as_str().expect("validUntil")[..10];
    for expected in [
        zh,
        en,
        &format!("{} kg CO2e/kg", rounded(gross)),
        "Jinpoluo chestnuts",
        "Lot 2026-CH-01",
        "Chestnut Orchard",
        "Jinpoluo",
        valid_until,
        "Test Issuer",
    ] {
        assert!(svg.contains(expected), "`{expected}` missing from\n{svg}");
    }
}

/// Three significant figures, as the label prints them.
fn rounded(value: f64) -> String {
    zerolabel::footprint::format_significant(value, 3)
}

#[tokio::test]
async fn the_label_pdf_and_a_sheet_of_labels_open_in_poppler_and_scan() {
    if !program_available("pdfinfo", "poppler-utils") {
        return;
    }
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let id = certificate_id(&app.issue(&farmer, &auditor).await);
    let folder = tempfile::tempdir().expect("temp folder");

    let label = folder.path().join("label.pdf");
    std::fs::write(&label, bytes_of(app.drawing(&id, "label.pdf").await).await).expect("write");
    let info = pdfinfo(&label);
    assert!(info.contains("Pages:           1"), "{info}");
    assert!(info.contains("113.386 x 70.866"), "40 x 25 mm: {info}");

    let sheet = folder.path().join("sheet.pdf");
    let response = app.drawing(&id, "labels.pdf?count=45").await;
    assert_eq!(response.headers()["content-type"], "application/pdf");
    std::fs::write(&sheet, bytes_of(response).await).expect("write");
    let info = pdfinfo(&sheet);
    assert!(
        info.contains("Pages:           2"),
        "40 labels a sheet: {info}"
    );
    assert!(info.contains("(A4)"), "{info}");

    let page = rasterise_first_page(&label, 600);
    let url = decode_qr(&page);
    assert_eq!(scan(&app, &url).await["status"], "valid");
}

fn pdfinfo(file: &std::path::Path) -> String {
    let output = Command::new("pdfinfo")
        .arg(file)
        .output()
        .expect("pdfinfo runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The first page as PNG bytes, through `pdftoppm`.
fn rasterise_first_page(pdf: &std::path::Path, dpi: u32) -> Vec<u8> {
    let prefix = pdf.with_extension("");
    let output = Command::new("pdftoppm")
        .args(["-png", "-singlefile", "-r", &dpi.to_string()])
        .arg(pdf)
        .arg(&prefix)
        .output()
        .expect("pdftoppm runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read(prefix.with_extension("png")).expect("the rendered page")
}

#[tokio::test]
async fn drawings_and_certificates_carry_an_etag_and_answer_304_when_unchanged() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let id = certificate_id(&app.issue(&farmer, &auditor).await);

    for file in ["", "/qr.svg", "/qr.png?px=3", "/label.svg", "/label.png"] {
        let path = format!("/api/v1/certificates/{id}{file}");
        let first = app.get(&path, None).await;
        assert_eq!(first.status(), StatusCode::OK, "{path}");
        let etag = first.headers()["etag"].to_str().expect("ascii").to_owned();
        let cache_control = first.headers()["cache-control"].to_str().expect("ascii");
        assert!(
            cache_control.contains("immutable"),
            "{path}: {cache_control}"
        );
        let body = first.bytes().await.expect("body");

        let again = app.get(&path, None).await;
        assert_eq!(again.headers()["etag"], etag.as_str(), "{path}: same tag");
        assert_eq!(
            again.bytes().await.expect("body"),
            body,
            "{path}: same bytes"
        );

        let unchanged = app
            .client
            .get(format!("{}{path}", app.address))
            .header("If-None-Match", &etag)
            .send()
            .await
            .expect("sent");
        assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(unchanged.headers()["etag"], etag.as_str());

        let other = app
            .client
            .get(format!("{}{path}", app.address))
            .header("If-None-Match", "\"something-else\"")
            .send()
            .await
            .expect("sent");
        assert_eq!(other.status(), StatusCode::OK, "{path}");

        let head = app
            .client
            .head(format!("{}{path}", app.address))
            .send()
            .await
            .expect("sent");
        assert_eq!(head.status(), StatusCode::OK, "{path}");
        assert_eq!(head.headers()["etag"], etag.as_str(), "{path}");
        assert!(head.bytes().await.expect("body").is_empty(), "{path}");
    }
}

#[tokio::test]
async fn the_buyer_page_may_be_cached_only_briefly_since_its_status_can_change() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let approved = app.issue(&farmer, &auditor).await;
    let url = approved["certificate"]["verify_url"].as_str().expect("url");

    let page = app.buyer_page(url, "en").await;
    let json = app.get_json_url(url).await;
    for response in [page, json] {
        let cache_control = response.headers()["cache-control"]
            .to_str()
            .expect("ascii")
            .to_owned();
        let max_age: u64 = cache_control
            .split(',')
            .find_map(|d| d.trim().strip_prefix("max-age="))
            .and_then(|s| s.parse().ok())
            .expect("a max-age");
        assert!((1..=300).contains(&max_age), "{cache_control}");
        assert!(!cache_control.contains("immutable"));
        assert_eq!(response.headers()["vary"], "Accept, Accept-Language");
    }
}

#[tokio::test]
async fn a_gs1_digital_link_label_resolves_to_the_same_certificate() {
    let app = spawn_app().await;
    let (_, auditor) = app.farmer_and_auditor();
    let id = long_certificate(&app, &auditor).await;

    let png = bytes_of(app.drawing(&id, "label.png?link=gs1").await).await;
    let url = decode_qr(&png);
    let code = url.rsplit('/').next().expect("serial").to_owned();
    assert_eq!(
        url,
        format!(
            "{}/01/06901234567892/10/2026-CH-NORTH-SLOPE1/21/{code}",
            app.address
        )
    );
    let result = scan(&app, &url).await;
    assert_eq!(result["status"], "valid");
    assert_eq!(result["certificate_id"], id.as_str());
    let page = app.buyer_page(&url, "zh-CN").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.expect("html").contains("有效"));

    let upper_case_short_url = format!("{}/V/{code}", app.address);
    for resolved in [url.as_str(), upper_case_short_url.as_str()] {
        let head = app.client.head(resolved).send().await.expect("sent");
        assert_eq!(head.status(), StatusCode::OK, "HEAD {resolved}");
    }

    let other_lot = url.replace("/10/2026-CH-NORTH-SLOPE1/", "/10/2025-OLD/");
    assert_eq!(
        app.get_json_url(&other_lot).await.status(),
        StatusCode::NOT_FOUND
    );
    let bad_gtin = url.replace("06901234567892", "06901234567893");
    let refused = app.get_json_url(&bad_gtin).await;
    assert_problem(refused, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn a_gs1_label_for_a_product_without_a_gtin_is_refused_naming_link() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let id = certificate_id(&app.issue(&farmer, &auditor).await);

    let refused = app.drawing(&id, "label.svg?link=gs1").await;
    let problem = assert_problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["field"], "link", "{problem}");
    assert!(problem["detail"].as_str().expect("detail").contains("GTIN"));
}

#[tokio::test]
async fn label_parameters_out_of_bounds_are_refused_naming_them() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let id = certificate_id(&app.issue(&farmer, &auditor).await);

    for (file, field) in [
        ("labels.pdf?count=0", "count"),
        ("labels.pdf?count=401", "count"),
        ("labels.pdf?count=ten", "count"),
        ("label.png?link=ean", "link"),
        ("qr.svg?link=", "link"),
    ] {
        let problem = assert_problem(app.drawing(&id, file).await, StatusCode::BAD_REQUEST).await;
        assert_eq!(problem["errors"][0]["field"], field, "{file}: {problem}");
    }
    let unknown = app.drawing(&"0".repeat(26), "label.pdf").await;
    assert_problem(unknown, StatusCode::NOT_FOUND).await;
    let malformed = app.drawing("not-a-code", "label.png").await;
    assert_problem(malformed, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn a_farmer_finds_the_label_downloads_on_the_approved_application() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let approved = app.issue(&farmer, &auditor).await;
    let application_id = approved["id"].as_str().expect("id");

    let seen: Value = app
        .get(
            &format!("/api/v1/applications/{application_id}"),
            Some(&farmer.token),
        )
        .await
        .json()
        .await
        .expect("json");
    let labels = &seen["certificate"]["labels"];
    for (kind, content_type, magic) in [
        ("svg", "image/svg+xml", b"<svg".as_slice()),
        ("png", "image/png", b"\x89PNG".as_slice()),
        ("pdf", "application/pdf", b"%PDF".as_slice()),
        ("sheet_pdf", "application/pdf", b"%PDF".as_slice()),
    ] {
        let url = labels[kind].as_str().expect("a label URL");
        let response = app.client.get(url).send().await.expect("sent");
        assert_eq!(response.headers()["content-type"], content_type, "{kind}");
        let disposition = response.headers()["content-disposition"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(disposition.contains("filename=\"label"), "{disposition}");
        let body = response.bytes().await.expect("body");
        assert!(body.starts_with(magic), "{kind}");
    }
}
