//! Per-address rate limits on the public endpoints that cost work for anyone who asks: the
//! calculator and verification. A caller over its limit gets 429 with `Retry-After`.
//!
//! Many phones in one shop share one address, so the verification limit is generous; both
//! limits are settings, and 0 switches a limit off (benchmarks need that).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde_json::json;

use super::problem::PROBLEM_JSON;

/// How often (in checks) addresses that are back at full allowance are forgotten.
const FORGET_EVERY: u64 = 4_096;

/// Requests per minute per client address; `None` is no limit.
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    /// `POST /api/v1/footprints/calculate` and `POST /calculator`.
    pub calculator_per_minute: Option<NonZeroU32>,
    /// `GET /v/{code}` and `POST /api/v1/verify`.
    pub verification_per_minute: Option<NonZeroU32>,
}

/// The limiters of a running service, shared by its workers.
pub struct PublicRateLimits {
    calculator: Option<DefaultKeyedRateLimiter<IpAddr>>,
    verification: Option<DefaultKeyedRateLimiter<IpAddr>>,
    checks: AtomicU64,
}

/// Which limit a request counts against.
#[derive(Debug, Clone, Copy)]
enum Bucket {
    Calculator,
    Verification,
}

impl PublicRateLimits {
    /// Limiters for `limits`, each allowing a full minute's requests in a burst.
    pub fn new(limits: Limits) -> Self {
        let keyed = |per_minute: Option<NonZeroU32>| {
            per_minute.map(|n| RateLimiter::keyed(Quota::per_minute(n)))
        };
        PublicRateLimits {
            calculator: keyed(limits.calculator_per_minute),
            verification: keyed(limits.verification_per_minute),
            checks: AtomicU64::new(0),
        }
    }

    /// `Err(wait)` when the request's address is over the limit of its endpoint.
    fn check(&self, request: &ServiceRequest) -> Result<(), Duration> {
        let Some(bucket) = bucket_of(request.method(), request.path()) else {
            return Ok(());
        };
        let limiter = match bucket {
            Bucket::Calculator => &self.calculator,
            Bucket::Verification => &self.verification,
        };
        let (Some(limiter), Some(address)) = (limiter, request.peer_addr()) else {
            return Ok(());
        };
        if self
            .checks
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(FORGET_EVERY)
        {
            limiter.retain_recent();
        }
        limiter
            .check_key(&address.ip())
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

fn bucket_of(method: &Method, path: &str) -> Option<Bucket> {
    match (method.as_str(), path) {
        ("POST", "/api/v1/footprints/calculate" | "/calculator") => Some(Bucket::Calculator),
        ("POST", "/api/v1/verify") => Some(Bucket::Verification),
        ("GET" | "HEAD", path) if is_scan(path) => Some(Bucket::Verification),
        _ => None,
    }
}

/// A buyer's scan, in any of the forms a printed code carries: `/v/{code}`, the upper-case
/// `/V/{code}` of the compact QR payload, and the GS1 Digital Link `/01/{gtin}/10/{lot}/21/…`.
fn is_scan(path: &str) -> bool {
    path.starts_with("/v/") || path.starts_with("/V/") || path.starts_with("/01/")
}

/// The middleware: counts the request against its limit, answering 429 when over it.
pub async fn limit_public_endpoints(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let verdict = request
        .app_data::<web::Data<PublicRateLimits>>()
        .map_or(Ok(()), |limits| limits.check(&request));
    if let Err(wait) = verdict {
        let response = too_many_requests(wait);
        return Ok(request.into_response(response).map_into_right_body());
    }
    next.call(request)
        .await
        .map(ServiceResponse::map_into_left_body)
}

fn too_many_requests(wait: Duration) -> HttpResponse {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let seconds = seconds.max(1);
    let status = StatusCode::TOO_MANY_REQUESTS;
    HttpResponse::build(status)
        .content_type(PROBLEM_JSON)
        .insert_header((header::RETRY_AFTER, seconds.to_string()))
        .json(json!({
            "type": "/problems/too-many-requests",
            "title": "Too Many Requests",
            "status": status.as_u16(),
            "detail": format!(
                "this address sent too many requests to this endpoint; try again in {seconds} s"
            ),
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_calculator_and_verification_are_limited() {
        let post = Method::POST;
        assert!(matches!(
            bucket_of(&post, "/api/v1/footprints/calculate"),
            Some(Bucket::Calculator)
        ));
        assert!(matches!(
            bucket_of(&post, "/calculator"),
            Some(Bucket::Calculator)
        ));
        assert!(matches!(
            bucket_of(&post, "/api/v1/verify"),
            Some(Bucket::Verification)
        ));
        assert!(matches!(
            bucket_of(&Method::GET, "/v/ABC"),
            Some(Bucket::Verification)
        ));
        for scan in ["/V/ABC", "/01/06901234567892/10/LOT1/21/ABC"] {
            assert!(
                matches!(bucket_of(&Method::GET, scan), Some(Bucket::Verification)),
                "{scan} shares the verification limit"
            );
        }
        assert!(bucket_of(&Method::GET, "/calculator").is_none());
        assert!(bucket_of(&post, "/api/v1/applications").is_none());
    }
}
