//! The HTTP side: tiny_http on one thread accepting, one short thread per request, and the
//! server-sent events stream that tells open pages a rebuild happened. When accepting fails, a
//! new acceptor is started on the same socket after a pause, so the server never goes deaf:
//! tiny_http 0.12's acceptor stops on an accept error, and panics (silently, for its caller)
//! when it runs out of file descriptors right after accepting; the panic hook reports that
//! through [`acceptor_panicked`].

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

/// First pause after the acceptor failed; doubled on each failure in a row, up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(50);
/// Longest pause between attempts to accept again.
const MAX_PAUSE: Duration = Duration::from_secs(2);

use super::router::{self, Reply};
use super::site::Site;

/// Set when tiny_http's acceptor thread panicked: the server must start a new one.
static ACCEPTOR_LOST: AtomicBool = AtomicBool::new(false);

/// How often the server checks that its acceptor is alive while no request comes.
const CHECK_EVERY: Duration = Duration::from_millis(250);

/// Called by the panic hook with the file a panic happened in: a panic inside tiny_http means
/// its acceptor (or one connection) died. Returns whether it was tiny_http's, so the hook can
/// stay quiet about it.
pub fn acceptor_panicked(file: &str) -> bool {
    let ours = file.contains("tiny_http");
    if ours {
        ACCEPTOR_LOST.store(true, Ordering::SeqCst);
    }
    ours
}

/// The build shared between the watcher (writer) and the server (readers).
pub type Shared = Arc<RwLock<Site>>;

/// Reads the site, surviving a poisoned lock (a panic elsewhere must not stop serving).
pub fn read(site: &Shared) -> std::sync::RwLockReadGuard<'_, Site> {
    site.read().unwrap_or_else(PoisonError::into_inner)
}

/// Writes the site, surviving a poisoned lock.
pub fn write(site: &Shared) -> std::sync::RwLockWriteGuard<'_, Site> {
    site.write().unwrap_or_else(PoisonError::into_inner)
}

/// Open event streams, each waiting for the next site version.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<Sender<u64>>>,
}

impl Hub {
    fn subscribe(&self) -> Receiver<u64> {
        let (tx, rx) = mpsc::channel();
        self.clients
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(tx);
        rx
    }

    /// Tells every open page that `version` is served now.
    pub fn publish(&self, version: u64) {
        self.clients
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|tx| tx.send(version).is_ok());
    }
}

/// Serves requests on `listener` with `workers` threads (each with the large stack emails are
/// built with) calling `handle`, until the process ends; restarts tiny_http's acceptor (after a
/// growing pause) whenever it dies, e.g. when the process runs out of file descriptors.
pub fn accept_forever(
    listener: &std::net::TcpListener,
    workers: usize,
    handle: &(dyn Fn(tiny_http::Request) + Sync),
) {
    let mut pause = FIRST_PAUSE;
    loop {
        let server = listener
            .try_clone()
            .map_err(|e| e.to_string())
            .and_then(|l| tiny_http::Server::from_listener(l, None).map_err(|e| e.to_string()));
        let failure = match server {
            Ok(server) => {
                let stop = AtomicBool::new(false);
                let served = AtomicBool::new(false);
                let failure = Mutex::new(String::new());
                std::thread::scope(|scope| {
                    for _ in 0..workers.max(1) {
                        let (server, stop, served, failure) = (&server, &stop, &served, &failure);
                        let _ = std::thread::Builder::new()
                            .stack_size(letterpress::build::STACK_SIZE)
                            .spawn_scoped(scope, move || {
                                while !stop.load(Ordering::SeqCst) {
                                    match server.recv_timeout(CHECK_EVERY) {
                                        Ok(Some(request)) => {
                                            served.store(true, Ordering::SeqCst);
                                            handle(request);
                                        }
                                        Ok(None) if ACCEPTOR_LOST.swap(false, Ordering::SeqCst) => {
                                            *failure
                                                .lock()
                                                .unwrap_or_else(PoisonError::into_inner) =
                                                "out of file descriptors?".into();
                                            stop.store(true, Ordering::SeqCst);
                                        }
                                        Ok(None) => {}
                                        Err(e) => {
                                            *failure
                                                .lock()
                                                .unwrap_or_else(PoisonError::into_inner) =
                                                e.to_string();
                                            stop.store(true, Ordering::SeqCst);
                                        }
                                    }
                                }
                            });
                    }
                });
                if served.load(Ordering::SeqCst) {
                    pause = FIRST_PAUSE;
                }
                failure.into_inner().unwrap_or_else(PoisonError::into_inner)
            }
            Err(e) => e,
        };
        eprintln!(
            "server: stopped accepting connections ({failure}); accepting again in {} ms",
            pause.as_millis()
        );
        std::thread::sleep(pause);
        pause = (pause * 2).min(MAX_PAUSE);
    }
}

/// Serves requests on `listener` until the process ends, restarting the acceptor (after a
/// pause that grows while failures repeat) whenever it stops.
pub fn serve(listener: std::net::TcpListener, site: Shared, hub: Arc<Hub>, loopback: bool) {
    let mut pause = FIRST_PAUSE;
    loop {
        let server = listener
            .try_clone()
            .map_err(|e| e.to_string())
            .and_then(|l| tiny_http::Server::from_listener(l, None).map_err(|e| e.to_string()));
        let failure = match server {
            Ok(server) => loop {
                match server.recv_timeout(CHECK_EVERY) {
                    Ok(Some(request)) => {
                        pause = FIRST_PAUSE;
                        dispatch(request, &site, &hub, loopback);
                    }
                    Ok(None) if ACCEPTOR_LOST.swap(false, Ordering::SeqCst) => {
                        break "out of file descriptors?".to_string();
                    }
                    Ok(None) => {}
                    Err(e) => break e.to_string(),
                }
            },
            Err(e) => e,
        };
        eprintln!(
            "preview server: stopped accepting connections ({failure}); accepting again in {} ms",
            pause.as_millis()
        );
        std::thread::sleep(pause);
        pause = (pause * 2).min(MAX_PAUSE);
    }
}

/// Answers `request` on a thread of its own; when no thread can be made, the connection is
/// closed without an answer and the server goes on.
fn dispatch(request: tiny_http::Request, site: &Shared, hub: &Arc<Hub>, loopback: bool) {
    let site = Arc::clone(site);
    let hub = Arc::clone(hub);
    let _ = std::thread::Builder::new()
        .name("preview-request".into())
        .spawn(move || handle(request, &site, &hub, loopback));
}

fn handle(request: tiny_http::Request, site: &Shared, hub: &Hub, loopback: bool) {
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_string());
    if loopback && !host_allowed(host.as_deref()) {
        let reply = Reply {
            status: 403,
            content_type: "text/plain",
            body: b"this preview server only answers to localhost\n".to_vec(),
            email_html: false,
        };
        let _ = request.respond(response(reply));
        return;
    }
    if request.url().split('?').next() == Some(router::EVENTS) {
        events(request, site, hub);
        return;
    }
    if super::test_send::is_send(&request) {
        super::test_send::handle(request, site);
        return;
    }
    let reply = router::route(request.method().as_str(), request.url(), &read(site));
    let _ = request.respond(response(reply));
}

/// Whether a `Host` header names this machine (refuses DNS-rebinding pages from elsewhere).
pub fn host_allowed(host: Option<&str>) -> bool {
    let Some(host) = host else { return true };
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    matches!(name, "localhost" | "127.0.0.1" | "[::1]") || name.ends_with(".localhost")
}

fn response(reply: Reply) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let header = |name: &str, value: &str| {
        tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
    };
    let mut response = tiny_http::Response::from_data(reply.body).with_status_code(reply.status);
    let mut headers = vec![
        header("Content-Type", reply.content_type),
        header("Cache-Control", "no-store"),
        header("X-Content-Type-Options", "nosniff"),
    ];
    if reply.email_html {
        // a header, not a change to the email: the built HTML is served byte for byte
        headers.push(header("Content-Security-Policy", "script-src 'none'"));
    }
    for h in headers.into_iter().flatten() {
        response.add_header(h);
    }
    response
}

/// A server-sent events stream: the current version at once, then one event per rebuild, and
/// a comment every 15 s so a closed page is noticed.
fn events(request: tiny_http::Request, site: &Shared, hub: &Hub) {
    let updates = hub.subscribe();
    let version = read(site).version;
    let mut out = request.into_writer();
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
         Connection: close\r\n\r\nretry: 500\ndata: {version}\n\n"
    );
    if out
        .write_all(head.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return;
    }
    loop {
        let message = match updates.recv_timeout(Duration::from_secs(15)) {
            Ok(version) => format!("data: {version}\n\n"),
            Err(RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if out
            .write_all(message.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_only_to_local_host_names() {
        assert!(host_allowed(Some("127.0.0.1:3000")));
        assert!(host_allowed(Some("localhost:3000")));
        assert!(host_allowed(Some("[::1]:3000")));
        assert!(host_allowed(None));
        assert!(!host_allowed(Some("evil.example:3000")));
        assert!(!host_allowed(Some("127.0.0.1.evil.example")));
    }
}
