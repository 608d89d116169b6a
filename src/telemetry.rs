//! Logs and metrics. Logs: `tracing` to standard error, filtered by `RUST_LOG` (default `info`),
//! as readable lines or as JSON. Metrics: a Prometheus recorder for the whole process, fed by
//! [`record_request`] (requests and latencies by route pattern) and by the domain counters below.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

/// Certificates signed.
pub const CERTIFICATES_ISSUED: &str = "zerolabel_certificates_issued_total";
/// Certificates revoked.
pub const CERTIFICATES_REVOKED: &str = "zerolabel_certificates_revoked_total";
/// Verification answers, labelled by `status` (`valid`, `revoked`, ...).
pub const VERIFICATIONS: &str = "zerolabel_verifications_total";
/// HTTP requests, labelled by `method`, `route` (the pattern, not the path) and `status`.
const HTTP_REQUESTS: &str = "zerolabel_http_requests_total";
/// HTTP request latency in seconds, labelled by `method` and `route`.
const HTTP_DURATION: &str = "zerolabel_http_request_duration_seconds";
/// Latency buckets in seconds: the verification path should land in the first few.
const DURATION_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// How log lines are written.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One JSON object per line, with the request id of the span: for log collectors.
    Json,
    /// Readable lines: for a terminal.
    Pretty,
}

/// Installs the subscriber once; later calls (tests) are ignored.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // A line when each request's span closes: the access log, with the request id and timing.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(FmtSpan::CLOSE)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().with_current_span(true).try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

static PROMETHEUS: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process's Prometheus recorder, installed on first use. `None` only if another recorder
/// was installed first, in which case metrics go there and `/metrics` says so.
fn prometheus() -> Option<&'static PrometheusHandle> {
    PROMETHEUS
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.to_owned()), DURATION_BUCKETS)
                .ok()?
                .install_recorder()
                .ok()
        })
        .as_ref()
}

/// Makes sure the recorder is installed before the first request is counted.
pub fn init_metrics() {
    let _ = prometheus();
}

/// How often [`fold_histogram_samples`] should run.
pub const METRICS_UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// Folds the latency samples recorded since the last call into their histogram buckets. The
/// recorder keeps every raw sample until this runs (or `/metrics` is read), so without it a
/// busy server that nobody scrapes grows by a few bytes per request without end.
pub fn fold_histogram_samples() {
    if let Some(handle) = prometheus() {
        handle.run_upkeep();
    }
}

/// Every metric so far, in the Prometheus text format.
pub fn render_metrics() -> String {
    prometheus().map_or_else(
        || "# metrics are recorded by another recorder in this process\n".to_owned(),
        PrometheusHandle::render,
    )
}

/// Counts one domain event (`CERTIFICATES_ISSUED`, ...).
pub fn count(name: &'static str) {
    metrics::counter!(name).increment(1);
}

/// Counts one verification answer by its status.
pub fn count_verification(status: &str) {
    metrics::counter!(VERIFICATIONS, "status" => status.to_owned()).increment(1);
}

/// The method as a label value: the standard ones by name, anything invented by a client as
/// `other`, so that junk methods cannot grow the number of series without bound.
fn method_label(method: &actix_web::http::Method) -> String {
    const KNOWN: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT",
    ];
    let name = method.as_str();
    if KNOWN.contains(&name) {
        name.to_owned()
    } else {
        "other".to_owned()
    }
}

/// Middleware (for `actix_web::middleware::from_fn`) recording each request's count and
/// latency under its route pattern (`/v/{code}`, never the raw path, so that label values stay
/// few).
pub async fn record_request(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = method_label(request.method());
    let response = next.call(request).await?;

    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let status = response.status().as_u16().to_string();
    metrics::histogram!(HTTP_DURATION, "method" => method.clone(), "route" => route.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!(HTTP_REQUESTS, "method" => method, "route" => route, "status" => status)
        .increment(1);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invented_methods_share_one_label() {
        let junk = actix_web::http::Method::from_bytes(b"XMETH1").expect("a token");
        assert_eq!(method_label(&junk), "other");
        assert_eq!(method_label(&actix_web::http::Method::PATCH), "PATCH");
    }
}
