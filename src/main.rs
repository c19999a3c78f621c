use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = kbgen::cli::Cli::parse();
    // Rust ignores SIGPIPE, so printing into a closed pipe (`kbgen import … | head`) panics;
    // a command-line tool should end quietly instead. The server keeps ignoring it: a browser
    // that goes away must not end the preview.
    #[cfg(unix)]
    if !matches!(cli.command, kbgen::cli::Command::Serve { .. }) {
        // SAFETY: resetting a signal's disposition to the default before any thread starts.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    kbgen::cli::run(cli)
}
