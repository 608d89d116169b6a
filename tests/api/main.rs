//! One integration-test binary: the real server on port 0, a fresh SQLite file per test.

mod helpers;

mod admin;
mod application_lifecycle;
mod applications;
mod authorisation;
mod cli;
mod concurrency;
mod crash;
mod evidence;
mod footprint_cases;
mod http_errors;
mod interop;
mod methodology;
mod presentation;
mod protection;
mod random_bodies;
mod trust;
mod walking_skeleton;
mod workflow_rules;
