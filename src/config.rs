//! Typed settings for `zerolabel serve`: defaults, then `zerolabel.toml`, then environment
//! variables, then flags, each overriding the one before.

use std::path::{Path, PathBuf};

use clap::Args;
use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// Default SQLite file, relative to the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/zerolabel.sqlite3";
/// The configuration file read when `--config` is not given (optional: used if present).
pub const DEFAULT_CONFIG_FILE: &str = "zerolabel.toml";

/// The settings of the HTTP service, resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Address and port to listen on. Port 0 picks a free port.
    pub bind: String,
    /// sqlite://PATH, postgres://USER@HOST/DB, or the path of an existing SQLite file.
    pub database_url: String,
    /// Folder of the issuer's Ed25519 keys.
    pub keys_dir: PathBuf,
    /// The URL buyers reach the service at; derived from the bound address when absent.
    pub public_base_url: Option<String>,
    /// The issuer's display name.
    pub issuer_name: String,
    /// HTTP worker threads (0: one per CPU core).
    pub workers: usize,
    /// Calculator requests per minute from one address; 0 is no limit.
    pub rate_limit_calculator: u32,
    /// Verification requests per minute from one address; 0 is no limit.
    pub rate_limit_verification: u32,
    /// Seconds in-flight requests get after SIGTERM.
    pub shutdown_timeout: u64,
    /// Megabytes of verification answers kept in memory; 0 keeps none.
    pub scan_cache_mb: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            bind: "127.0.0.1:8080".to_owned(),
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            keys_dir: PathBuf::from("keys"),
            public_base_url: None,
            issuer_name: "Jinpoluo Zero-Carbon Label Office".to_owned(),
            workers: 0,
            rate_limit_calculator: 60,
            rate_limit_verification: 1200,
            shutdown_timeout: 30,
            scan_cache_mb: 16,
        }
    }
}

/// The flags of `zerolabel serve`. Each can also be given as the environment variable named
/// beside it, or as the key of the same name in the configuration file.
#[derive(Debug, Clone, Default, Args, Serialize)]
pub struct SettingsArgs {
    /// Configuration file (TOML, keys as the flags with `_`: bind, database_url, keys_dir,
    /// public_base_url, issuer_name, workers, rate_limit_calculator, rate_limit_verification,
    /// shutdown_timeout, scan_cache_mb) [default: zerolabel.toml, if present]
    #[arg(long, env = "ZEROLABEL_CONFIG")]
    #[serde(skip)]
    pub config: Option<PathBuf>,

    /// Address and port to listen on; port 0 picks a free port [default: 127.0.0.1:8080]
    #[arg(long, env = "ZEROLABEL_BIND")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<String>,

    /// Database: sqlite://PATH (file and folder created if missing), postgres://USER@HOST/DB,
    /// or the path of an existing SQLite file [default: sqlite://data/zerolabel.sqlite3]
    #[arg(long, env = "ZEROLABEL_DATABASE_URL")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,

    /// Folder of the issuer's Ed25519 keys (PKCS#8 PEM, mode 0600); a key is created on first
    /// start [default: keys]
    #[arg(long, env = "ZEROLABEL_KEYS_DIR")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keys_dir: Option<PathBuf>,

    /// The URL buyers reach the service at, used in QR codes and the did:web id [default:
    /// http:// and the bound address, localhost when binding to all interfaces]
    #[arg(long, env = "ZEROLABEL_PUBLIC_BASE_URL")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_base_url: Option<String>,

    /// The issuer's display name on certificates and the buyer page [default: Jinpoluo
    /// Zero-Carbon Label Office]
    #[arg(long, env = "ZEROLABEL_ISSUER_NAME")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer_name: Option<String>,

    /// HTTP worker threads, 0 for one per CPU core [default: 0]
    #[arg(long, env = "ZEROLABEL_WORKERS")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workers: Option<usize>,

    /// Calculator requests per minute from one address (POST /api/v1/footprints/calculate and
    /// POST /calculator); 0 switches the limit off [default: 60]
    #[arg(long, env = "ZEROLABEL_RATE_LIMIT_CALCULATOR")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit_calculator: Option<u32>,

    /// Verification requests per minute from one address (GET /v/{code}, POST /api/v1/verify);
    /// 0 switches the limit off. Generous: many phones in one shop share one address
    /// [default: 1200]
    #[arg(long, env = "ZEROLABEL_RATE_LIMIT_VERIFICATION")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit_verification: Option<u32>,

    /// Seconds that in-flight requests get to finish after SIGTERM or Ctrl-C before the process
    /// exits anyway [default: 30]
    #[arg(long, env = "ZEROLABEL_SHUTDOWN_TIMEOUT")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shutdown_timeout: Option<u64>,

    /// Megabytes of verification answers kept in memory, so a repeated scan needs neither the
    /// database nor a signature check; 0 keeps none [default: 16]
    #[arg(long, env = "ZEROLABEL_SCAN_CACHE_MB")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scan_cache_mb: Option<u64>,
}

/// The settings could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `--config` names a file that is not there.
    #[error("the configuration file {0} does not exist")]
    MissingFile(PathBuf),
    /// A value has the wrong type, or a key is unknown.
    #[error("bad configuration: {0}")]
    Invalid(#[from] Box<figment::Error>),
}

impl SettingsArgs {
    /// Resolves the settings: defaults < configuration file < environment < flags (clap has
    /// already put the environment under the flags).
    pub fn resolve(&self) -> Result<Settings, ConfigError> {
        let file = match &self.config {
            Some(path) if !path.exists() => return Err(ConfigError::MissingFile(path.clone())),
            Some(path) => Some(path.clone()),
            None => Some(PathBuf::from(DEFAULT_CONFIG_FILE)).filter(|path| path.exists()),
        };
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(file) = file {
            figment = figment.merge(Toml::file_exact(file));
        }
        figment
            .merge(Serialized::defaults(self))
            .extract()
            .map_err(|error| ConfigError::Invalid(Box::new(error)))
    }
}

impl Settings {
    /// Settings for a service on `bind` with its files under `folder`: what tests and examples
    /// use. Rate limits are off (tests send many requests from one address).
    pub fn in_folder(folder: &Path, bind: &str) -> Self {
        Settings {
            bind: bind.to_owned(),
            database_url: format!("sqlite://{}", folder.join("zerolabel.sqlite3").display()),
            keys_dir: folder.join("keys"),
            public_base_url: None,
            issuer_name: "Test Issuer".to_owned(),
            workers: 2,
            rate_limit_calculator: 0,
            rate_limit_verification: 0,
            shutdown_timeout: 5,
            scan_cache_mb: 16,
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

    fn config_file(text: &str) -> (tempfile::TempDir, PathBuf) {
        let folder = tempfile::tempdir().expect("temp folder");
        let path = folder.path().join("zerolabel.toml");
        std::fs::write(&path, text).expect("config written");
        (folder, path)
    }

    #[test]
    fn the_file_overrides_defaults_and_flags_or_environment_override_the_file() {
        let (_folder, path) = config_file(
            "bind = \"0.0.0.0:9000\"\nworkers = 3\ndatabase_url = \"postgres://db/zl\"\n",
        );
        let args = SettingsArgs {
            config: Some(path),
            bind: Some("127.0.0.1:7000".to_owned()),
            ..SettingsArgs::default()
        };

        let settings = args.resolve().expect("settings");
        assert_eq!(
            settings.bind, "127.0.0.1:7000",
            "a flag (or its variable) wins"
        );
        assert_eq!(settings.workers, 3, "the file wins over the default");
        assert_eq!(settings.database_url, "postgres://db/zl");
        assert_eq!(settings.issuer_name, Settings::default().issuer_name);
    }

    #[test]
    fn an_unknown_key_a_wrong_type_or_a_missing_named_file_is_an_error() {
        let (_folder, path) = config_file("bnid = \"127.0.0.1:1\"\n");
        let unknown = SettingsArgs {
            config: Some(path),
            ..SettingsArgs::default()
        };
        let message = unknown.resolve().expect_err("unknown key").to_string();
        assert!(message.contains("bnid"), "{message}");

        let (_folder, path) = config_file("workers = \"many\"\n");
        let wrong = SettingsArgs {
            config: Some(path),
            ..SettingsArgs::default()
        };
        let message = wrong.resolve().expect_err("wrong type").to_string();
        assert!(message.contains("workers"), "{message}");

        let missing = SettingsArgs {
            config: Some(PathBuf::from("/nonexistent/zerolabel.toml")),
            ..SettingsArgs::default()
        };
        assert!(matches!(
            missing.resolve(),
            Err(ConfigError::MissingFile(_))
        ));
    }

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
