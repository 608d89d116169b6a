//! One integration-test binary: the real server on port 0, a fresh database per test (SQLite, or
//! PostgreSQL when `ZEROLABEL_TEST_POSTGRES_URL` names a server).

mod database;
mod helpers;

mod admin;
mod application_lifecycle;
mod applications;
mod authorisation;
mod benchmark;
mod browser;
mod cli;
mod concurrency;
mod crash;
mod evidence;
mod footprint_cases;
mod http_errors;
mod instances;
mod interop;
mod labels;
mod methodology;
mod openapi;
mod operations;
mod presentation;
mod protection;
mod random_bodies;
mod scans;
mod trust;
mod walking_skeleton;
mod workflow_rules;
