//! Builds the running service: database, keys, routes, and a bound listener whose real port is
//! known before the server starts (tests bind port 0).

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::{App, HttpServer, middleware, web};
use anyhow::Context;
use tracing_actix_web::TracingLogger;

use crate::certificate::Issuer;
use crate::config::{self, Settings};
use crate::db::{self, DbPool};
use crate::http::rate_limit::{PublicRateLimits, limit_public_endpoints};
use crate::http::{self, AppState};
use crate::keys::KeyRing;
use crate::workflow::keys::adopt_newest_key;
use crate::workflow::scans::{LOG_FOLLOW_INTERVAL, follow_log};
use crate::workflow::{IssuerContext, now_seconds};
use crate::{keys, telemetry};

/// Connections per pool, and blocking threads per worker: enough to keep two cores busy while
/// some queries wait on PostgreSQL.
const POOL_SIZE: u32 = 8;

/// A service ready to run.
pub struct Application {
    server: Server,
    port: u16,
    state: AppState,
}

impl Application {
    /// Opens the database (applying migrations), loads or creates the issuer key, binds the
    /// listener and assembles the routes.
    pub fn build(settings: &Settings) -> anyhow::Result<Self> {
        let pool = open_database(&settings.database_url)?;
        let mut conn = pool.get()?;
        let keys = adopt_newest_key(&mut conn, &settings.keys_dir, now_seconds())
            .context("cannot load the issuer key")?;
        drop(conn);

        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let bound = listener.local_addr()?;
        let public_base_url = config::public_base_url(settings.public_base_url.as_deref(), bound);

        let issuing = issuer_context(keys, settings, &public_base_url);
        let backend = db::DatabaseUrl::parse(&settings.database_url)?.backend();
        let scan_cache_bytes = settings.scan_cache_mb.saturating_mul(1024 * 1024);
        let state = AppState::new(pool, backend, issuing, scan_cache_bytes);
        start_following_log(&state)?;
        let server = run(listener, state.clone(), settings)?;

        tracing::info!(address = %bound, %public_base_url, "zerolabel is listening");
        warm_up_label_fonts();
        Ok(Application {
            server,
            port: bound.port(),
            state,
        })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state: the pool, the issuer and the base URL.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until the process is told to stop, following the transparency log meanwhile so
    /// that revocations and key changes made elsewhere reach the kept verification answers, and
    /// folding latency samples into the metrics' histograms so they stay bounded.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        tokio::select! {
            served = self.server => served,
            never = follow_log_forever(self.state) => match never {},
            never = fold_histogram_samples_forever() => match never {},
        }
    }
}

/// Calls [`telemetry::fold_histogram_samples`] every [`telemetry::METRICS_UPKEEP_INTERVAL`].
async fn fold_histogram_samples_forever() -> std::convert::Infallible {
    loop {
        tokio::time::sleep(telemetry::METRICS_UPKEEP_INTERVAL).await;
        telemetry::fold_histogram_samples();
    }
}

/// Notes where the log ends now, so that [`follow_log_forever`] reads only what comes after.
fn start_following_log(state: &AppState) -> anyhow::Result<()> {
    let mut conn = state.pool.get()?;
    follow_log(&mut conn, &state.scans).context("cannot read the transparency log")?;
    Ok(())
}

/// Calls [`follow_log`] every [`LOG_FOLLOW_INTERVAL`]. When the log cannot be read, every kept
/// answer is dropped: a revocation might be missed otherwise.
async fn follow_log_forever(state: AppState) -> std::convert::Infallible {
    loop {
        tokio::time::sleep(LOG_FOLLOW_INTERVAL).await;
        let scans = Arc::clone(&state.scans);
        let followed = state.run(move |conn| follow_log(conn, &scans)).await;
        if let Err(error) = followed {
            tracing::warn!(%error, "cannot follow the transparency log; verification answers dropped");
            state.scans.forget_all();
        }
    }
}

/// Loads the fonts printed labels need in the background, so the first label request does not
/// wait for the font scan, and says at start when no Chinese font is installed.
fn warm_up_label_fonts() {
    std::thread::spawn(|| {
        if !crate::label::render::fonts_available() {
            tracing::warn!(
                "no Chinese font found (install fonts-noto-cjk): label PNG and PDF requests will \
                 answer 503 until one is installed and the service restarted"
            );
        }
    });
}

/// What issuing needs: the keys, the issuer's did:web (from where buyers reach the service) and
/// its display name.
pub fn issuer_context(keys: KeyRing, settings: &Settings, public_base_url: &str) -> IssuerContext {
    IssuerContext {
        keys,
        issuer: Issuer {
            id: keys::did_web(public_base_url),
            name: settings.issuer_name.clone(),
        },
        public_base_url: public_base_url.to_owned(),
    }
}

/// Opens the pool and applies pending migrations.
pub fn open_database(database_url: &str) -> anyhow::Result<DbPool> {
    db::connect_and_migrate(database_url, POOL_SIZE)
        .with_context(|| format!("cannot open the database at {}", db::redacted(database_url)))
}

fn run(listener: TcpListener, state: AppState, settings: &Settings) -> anyhow::Result<Server> {
    telemetry::init_metrics();
    let data = web::Data::new(state);
    let limits = web::Data::new(PublicRateLimits::new(settings.rate_limits()));
    let mut server = HttpServer::new(move || {
        App::new()
            .wrap(middleware::from_fn(limit_public_endpoints))
            .wrap(http::problem::problem_for_plain_errors())
            .wrap(middleware::from_fn(telemetry::record_request))
            .wrap(http::security_headers())
            .wrap(TracingLogger::default())
            .app_data(data.clone())
            .app_data(limits.clone())
            .configure(http::routes)
    })
    .shutdown_timeout(settings.shutdown_timeout)
    // More blocking threads than pooled connections would only wait for a connection, each
    // with its own stack and allocator arena.
    .worker_max_blocking_threads(POOL_SIZE as usize);
    if settings.workers > 0 {
        server = server.workers(settings.workers);
    }
    Ok(server.listen(listener)?.run())
}
