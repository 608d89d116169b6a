//! The `zerolabel` command: parses the command line and hands over to the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = zerolabel::cli::Cli::parse();
    zerolabel::telemetry::init(cli.log_format());
    zerolabel::cli::run(cli)
}
