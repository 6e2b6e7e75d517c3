//! The `letterpress` command. `main` alone prints and exits; each command returns an exit code.

mod cli;

fn main() -> std::process::ExitCode {
    cli::install_panic_hook();
    let code = cli::run();
    std::process::ExitCode::from(code)
}
