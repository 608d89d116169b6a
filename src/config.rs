//! Typed settings for `zerolabel serve`, from flags and environment variables.

use std::path::PathBuf;

use clap::Args;

/// Default SQLite file, relative to the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/zerolabel.sqlite3";

/// Settings of the HTTP service. Each flag can also be given as the environment variable named
/// beside it; a flag wins over the environment.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Address and port to listen on. Port 0 picks a free port.
    #[arg(long, env = "ZEROLABEL_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// Database: sqlite://PATH (file and folder created if missing), postgres://USER@HOST/DB,
    /// or the path of an existing SQLite file.
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
}

impl Settings {
    /// Settings for a service on `bind` with its files under `folder`: what tests and examples
    /// use.
    pub fn in_folder(folder: &std::path::Path, bind: &str) -> Self {
        Settings {
            bind: bind.to_owned(),
            database_url: format!("sqlite://{}", folder.join("zerolabel.sqlite3").display()),
            keys_dir: folder.join("keys"),
            public_base_url: None,
            issuer_name: "Test Issuer".to_owned(),
            workers: 2,
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
