//! Command-line front end: argument parsing, commands, and the output formats.

mod args;
mod commands;
mod output;
mod preview;
mod scaffold;
mod schema;
mod send;
mod serve;
mod smtp;
mod stream;

use clap::Parser;

pub use args::Cli;

/// Exit code: no error-level findings.
pub const EXIT_OK: u8 = 0;
/// Exit code: the build ran and found error-level findings (or warnings with `--strict`).
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: bad usage or an unreadable project.
pub const EXIT_USAGE: u8 = 2;

/// Parses arguments and runs the command, returning the process exit code.
pub fn run() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_OK
            };
        }
    };
    commands::run(cli)
}

/// Keeps the panic message of a failed email quiet (the pipeline reports it as a finding), and
/// of the preview server's HTTP library (the server restarts it); any other panic is printed as
/// usual.
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if letterpress::pipeline::in_email_pipeline() {
            return;
        }
        if info
            .location()
            .is_some_and(|l| preview::acceptor_panicked(l.file()))
        {
            return;
        }
        default(info);
    }));
}
