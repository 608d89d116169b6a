//! One integration-test binary: the real server on port 0, a fresh database per test (SQLite, or
//! PostgreSQL when `ZEROLABEL_TEST_POSTGRES_URL` names a server).

mod database;
mod helpers;

mod applications;
mod benchmark;
mod cli;
mod crash;
mod footprint_cases;
mod http_errors;
mod instances;
mod interop;
mod methodology;
mod openapi;
mod operations;
mod presentation;
mod trust;
mod walking_skeleton;
mod workflow_rules;
