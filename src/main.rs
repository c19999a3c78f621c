use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    kbgen::cli::run(kbgen::cli::Cli::parse())
}
