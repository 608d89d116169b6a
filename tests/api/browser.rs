//! The buyer page in a real browser: Debian's chromium, headless, at a phone's 360 px width.
//! Screenshots are kept under `target/screenshots/` for people (and CI artifacts) to look at.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, chestnut_application, program_available, spawn_app};

/// How long one chromium run may take before the test gives up on it.
const CHROMIUM_DEADLINE: Duration = Duration::from_secs(120);

/// A past season: signed for a window that has ended, so a scan now says expired.
fn last_season(farmer: &TestUser) -> Value {
    let mut application = chestnut_application(farmer);
    application["product"]["lot"] = json!("2025-CH-01");
    application["harvest"] = json!({"start": "2025-09-05", "end": "2025-09-30"});
    application
}

fn verify_url(approved: &Value) -> String {
    approved["certificate"]["verify_url"]
        .as_str()
        .expect("verify_url")
        .to_owned()
}

/// A valid, an expired and a revoked certificate, with the status word each page must show
/// in Chinese and in English.
async fn three_certificates(
    app: &TestApp,
) -> Vec<(&'static str, String, &'static str, &'static str)> {
    let (farmer, auditor) = app.farmer_and_auditor();
    let valid = app.issue(&farmer, &auditor).await;
    let window =
        json!({"valid_from": "2025-10-15T00:00:00Z", "valid_until": "2026-10-15T00:00:00Z"});
    let expired = app
        .issue_with(&farmer, &auditor, &last_season(&farmer), &window)
        .await;
    let revoked = app.issue(&farmer, &auditor).await;
    let id = revoked["certificate"]["id"].as_str().expect("id");
    let revocation = app
        .revoke(id, &auditor, "Yield could not be confirmed")
        .await;
    assert_eq!(revocation.status(), StatusCode::OK);

    vec![
        ("valid", verify_url(&valid), "有效", "Valid"),
        ("expired", verify_url(&expired), "已过期", "Expired"),
        ("revoked", verify_url(&revoked), "已撤销", "Revoked"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_browser_shows_valid_expired_and_revoked_in_chinese_and_english() {
    if !program_available("chromium", "chromium") {
        return;
    }
    let app = spawn_app().await;
    let cases = three_certificates(&app).await;
    let screenshots = screenshot_folder();

    for (name, url, chinese, english) in cases {
        for (lang, accept, word) in [("zh", "zh-CN,zh", chinese), ("en", "en-US,en", english)] {
            // The phone's language picks the page's, as Accept-Language.
            let language = format!("--accept-lang={accept}");
            let page = url.clone();
            let dom =
                run_chromium(&[language.clone(), "--dump-dom".to_owned(), page.clone()]).await;
            let dom = String::from_utf8(dom).expect("utf-8 DOM");
            assert!(
                dom.contains(&format!("<div class=\"word\">{word}</div>")),
                "{name} in {lang}: no `{word}` in\n{dom}"
            );
            let other = if lang == "zh" { "en" } else { "zh" };
            let switch = format!("href=\"?lang={other}\"");
            assert!(
                dom.contains(&switch),
                "{name} in {lang}: the 中文/English switch"
            );
            let warned = dom.contains("class=\"warning\"");
            assert_eq!(
                warned,
                name != "valid",
                "{name} in {lang}: warning before the claim"
            );
            let html_lang = if lang == "zh" { "zh-CN" } else { "en" };
            assert!(
                dom.contains(&format!("<html lang=\"{html_lang}\"")),
                "{name} {lang}"
            );

            let file = screenshots.join(format!("buyer-{name}-{lang}.png"));
            let _ = std::fs::remove_file(&file);
            run_chromium(&[
                language,
                "--window-size=360,800".to_owned(),
                format!("--screenshot={}", file.display()),
                page,
            ])
            .await;
            let shot = image::open(&file).expect("chromium saved a screenshot");
            assert_eq!(shot.width(), 360, "{}", file.display());
        }
    }
}

#[tokio::test]
async fn the_buyer_page_is_small_and_readable_without_javascript() {
    let app = spawn_app().await;
    let (farmer, auditor) = app.farmer_and_auditor();
    let url = verify_url(&app.issue(&farmer, &auditor).await);

    for language in ["zh-CN", "en"] {
        let response = app.buyer_page(&url, language).await;
        assert_eq!(response.status(), StatusCode::OK);
        let html = response.text().await.expect("html");
        assert!(html.len() < 50 * 1024, "{} bytes", html.len());
        assert!(!html.contains("<script"), "no script needed");
        assert!(
            !html.contains("<link rel=\"stylesheet\""),
            "the CSS is inline"
        );
        assert!(html.contains("width=device-width"), "phone viewport");
        assert!(html.contains("href=\"/methodology"), "a link to the method");
        assert!(
            html.contains("href=\"/api/v1/certificates/"),
            "the signed certificate"
        );
        assert!(
            html.contains("id=\"verify-yourself\""),
            "verify it yourself"
        );
    }
}

fn screenshot_folder() -> PathBuf {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&folder).expect("target/screenshots");
    folder
}

/// Runs headless chromium with a fresh profile and the given arguments; returns its stdout.
async fn run_chromium(arguments: &[String]) -> Vec<u8> {
    let arguments = arguments.to_vec();
    tokio::task::spawn_blocking(move || chromium_blocking(&arguments))
        .await
        .expect("chromium task")
}

fn chromium_blocking(arguments: &[String]) -> Vec<u8> {
    let profile = tempfile::tempdir().expect("profile folder");
    let mut child = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(arguments)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");

    let started = Instant::now();
    let mut stdout = child.stdout.take().expect("stdout piped");
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut bytes).map(|_| bytes)
    });
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "chromium {arguments:?} failed: {status}");
            break;
        }
        if started.elapsed() > CHROMIUM_DEADLINE {
            let _ = child.kill();
            panic!("chromium {arguments:?} took longer than {CHROMIUM_DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader
        .join()
        .expect("reader thread")
        .expect("chromium's output")
}
