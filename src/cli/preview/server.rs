//! The HTTP side: tiny_http on one thread accepting, one short thread per request, and the
//! server-sent events stream that tells open pages a rebuild happened.

use std::io::Write;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use super::router::{self, Reply};
use super::site::Site;

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

/// Serves requests until the process ends.
pub fn serve(server: tiny_http::Server, site: Shared, hub: Arc<Hub>, loopback: bool) {
    for request in server.incoming_requests() {
        let site = Arc::clone(&site);
        let hub = Arc::clone(&hub);
        std::thread::spawn(move || handle(request, &site, &hub, loopback));
    }
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
