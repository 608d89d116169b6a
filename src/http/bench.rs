//! `GET /bench/plaintext`: the benchmark harness's ceiling, the cheapest answer this server can
//! give (no database, no JSON), so every other route's throughput is read as a share of it.
//! Registered only in builds with the `bench` feature.

use actix_web::{HttpResponse, web};

use super::get_or_head;

/// The body of `/bench/plaintext`.
pub const PLAINTEXT_BODY: &str = "Hello, World!";

/// `/bench/plaintext`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/bench/plaintext").route(get_or_head().to(plaintext)));
}

async fn plaintext() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(PLAINTEXT_BODY)
}
