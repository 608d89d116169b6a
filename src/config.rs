//! Typed settings for `zerolabel serve`, from flags and environment variables.

use std::path::PathBuf;

use clap::Args;

/// Default SQLite file, relative to the working directory.
pub const DEFAULT_DATABASE_URL: &str = "data/zerolabel.sqlite3";

/// Settings of the HTTP service. Each flag can also be given as the environment variable named
/// beside it; a flag wins over the environment.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Address and port to listen on. Port 0 picks a free port.
    #[arg(long, env = "ZEROLABEL_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// Database: a SQLite file path or sqlite:// URL. The folder is created if missing.
    #[arg(long, env = "ZEROLABEL_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,

    /// Folder of the issuer's Ed25519 keys (PKCS#8 PEM, mode 0600). A key is created on first
    /// start.
    #[arg(long, env = "ZEROLABEL_KEYS_DIR", default_value = "keys")]
    pub keys_dir: PathBuf,

    /// The URL buyers reach the service at, used in QR codes and the did:web id. Defaults to
    /// http:// and the bound address (localhost when binding to all interfaces).
    #[arg(long, env = "ZEROLABEL_PUBLIC_BASE_URL")]
    pub public_base_url: Option<String>,

    /// The issuer's display name on certificates and the buyer page.
    #[arg(
        long,
        env = "ZEROLABEL_ISSUER_NAME",
        default_value = "Jinpoluo Zero-Carbon Label Office"
    )]
    pub issuer_name: String,

    /// HTTP worker threads (0: one per CPU core).
    #[arg(long, env = "ZEROLABEL_WORKERS", default_value_t = 0)]
    pub workers: usize,

    /// Calculator requests per minute from one address (POST /api/v1/footprints/calculate and
    /// POST /calculator); 0 switches the limit off.
    #[arg(long, env = "ZEROLABEL_RATE_LIMIT_CALCULATOR", default_value_t = 60)]
    pub rate_limit_calculator: u32,

    /// Verification requests per minute from one address (GET /v/{code}, POST /api/v1/verify);
    /// 0 switches the limit off. Generous: many phones in one shop share one address.
    #[arg(
        long,
        env = "ZEROLABEL_RATE_LIMIT_VERIFICATION",
        default_value_t = 1200
    )]
    pub rate_limit_verification: u32,

    /// Seconds that in-flight requests get to finish after SIGTERM or Ctrl-C before the process
    /// exits anyway.
    #[arg(long, env = "ZEROLABEL_SHUTDOWN_TIMEOUT", default_value_t = 30)]
    pub shutdown_timeout: u64,
}

impl Settings {
    /// Settings for a service on `bind` with its files under `folder`: what tests and examples
    /// use. Rate limits are off (tests send many requests from one address).
    pub fn in_folder(folder: &std::path::Path, bind: &str) -> Self {
        Settings {
            bind: bind.to_owned(),
            database_url: folder
                .join("zerolabel.sqlite3")
                .to_string_lossy()
                .into_owned(),
            keys_dir: folder.join("keys"),
            public_base_url: None,
            issuer_name: "Test Issuer".to_owned(),
            workers: 2,
            rate_limit_calculator: 0,
            rate_limit_verification: 0,
            shutdown_timeout: 5,
        }
    }

    /// The rate limits as the middleware takes them (0 is none).
    pub fn rate_limits(&self) -> crate::http::rate_limit::Limits {
        crate::http::rate_limit::Limits {
            calculator_per_minute: std::num::NonZeroU32::new(self.rate_limit_calculator),
            verification_per_minute: std::num::NonZeroU32::new(self.rate_limit_verification),
        }
    }
}

/// The public base URL for a listener on `bound` (`host:port`), unless one was configured.
pub fn public_base_url(configured: Option<&str>, bound: std::net::SocketAddr) -> String {
    if let Some(url) = configured {
        return url.trim_end_matches('/').to_owned();
    }
    let host = if bound.ip().is_unspecified() {
        "localhost".to_owned()
    } else {
        bound.ip().to_string()
    };
    let host = if bound.is_ipv6() && host != "localhost" {
        format!("[{host}]")
    } else {
        host
    };
    format!("http://{host}:{}", bound.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_url_follows_the_bound_address_unless_configured() {
        let bound = "127.0.0.1:41234".parse().expect("address");
        assert_eq!(public_base_url(None, bound), "http://127.0.0.1:41234");
        let any = "0.0.0.0:8080".parse().expect("address");
        assert_eq!(public_base_url(None, any), "http://localhost:8080");
        assert_eq!(
            public_base_url(Some("https://zl.example.cn/"), any),
            "https://zl.example.cn"
        );
    }
}
