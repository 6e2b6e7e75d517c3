//! The `letterpress` command. `main` alone prints and exits; each command returns an exit code.

mod cli;

/// The allocator of the command (not of the library, whose users choose their own): per-email
/// work is mostly small allocations freed at the email's end, which mimalloc serves from
/// thread-local pages. Built so that freed memory goes back to the system (`.cargo/config.toml`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h's `mi_option_e` (the same in v2 and v3; libmimalloc-sys
/// names no constant for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Freed pages go back to the system 10 ms after they empty (mimalloc v2's default) instead of
/// v3's 1 s. A build frees a whole dictionary's or email's worth of memory at a time and then
/// allocates again: with a 1 s delay the freed pages still counted while the next ones were
/// taken, and the peak of 10,000 emails, half of them 40-item orders, wandered between 96 and
/// 105 MB; with 10 ms it holds at 90–91 MB, for the same time. `MIMALLOC_PURGE_DELAY` in the
/// environment still wins.
fn purge_freed_memory_sooner() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets one of mimalloc's option values (a plain store into its option table);
        // the purge delay is read each time pages are freed, so a change at any time is sound.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 10) };
    }
}

fn main() -> std::process::ExitCode {
    purge_freed_memory_sooner();
    cli::install_panic_hook();
    let code = cli::run();
    std::process::ExitCode::from(code)
}
