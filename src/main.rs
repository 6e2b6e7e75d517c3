//! The `letterpress` command. `main` alone prints and exits; each command returns an exit code.

mod cli;

/// The allocator of the command (not of the library, whose users choose their own): per-email
/// work is mostly small allocations freed at the email's end, which mimalloc serves from
/// thread-local pages. Built so that freed memory goes back to the system (`.cargo/config.toml`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::install_panic_hook();
    let code = cli::run();
    std::process::ExitCode::from(code)
}
