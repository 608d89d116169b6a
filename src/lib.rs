//! zerolabel: signed zero-carbon labels for farm produce.
//!
//! Data flows one way: [`http`] parses input into domain types, the pure modules
//! ([`footprint`], [`application`], [`certificate`], [`credential`]) compute and sign,
//! [`workflow`] decides who may do what and stores it through [`db`].

pub mod accounts;
pub mod application;
pub mod benchmark;
pub mod certificate;
pub mod cli;
pub mod config;
pub mod credential;
pub mod db;
pub mod demo;
pub mod footprint;
pub mod http;
pub mod keys;
pub mod label;
pub mod startup;
pub mod status;
pub mod telemetry;
pub mod tlog;
pub mod workflow;
