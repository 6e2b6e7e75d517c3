//! Where the preview listens: the port asked for with `--port`, or else the first free one from
//! 3000 on (a second `watch` in another project just works, and says where it went); and the
//! addresses to open it from, including this machine's network addresses when it listens on all
//! of them (`--host 0.0.0.0`), for a phone on the same network.

use std::net::{IpAddr, SocketAddr, TcpListener};

/// The port tried first when none is given.
pub const DEFAULT_PORT: u16 = 3000;

/// How many ports from the first are tried when none is given.
const TRIES: u16 = 20;

/// A bound server and how to reach it.
pub struct Listening {
    /// The listening socket (with TCP_NODELAY, which Linux hands on to every connection: an
    /// answer's last packet does not wait for the client's delayed ACK).
    pub listener: TcpListener,
    /// The port it listens on.
    pub port: u16,
    /// Said when the port is not the one first tried.
    pub notice: Option<String>,
}

/// Binds `host` on `port`, or on the first free port from [`DEFAULT_PORT`] when `port` is
/// `None`; an explicit port that is taken is an error, never silently replaced.
pub fn bind(host: IpAddr, port: Option<u16>) -> Result<Listening, String> {
    match port {
        Some(port) => bind_range(host, port, port),
        None => bind_range(host, DEFAULT_PORT, DEFAULT_PORT.saturating_add(TRIES - 1)),
    }
}

/// Binds the first free port of `first..=last`.
fn bind_range(host: IpAddr, first: u16, last: u16) -> Result<Listening, String> {
    let mut candidate = first;
    let listener = loop {
        match TcpListener::bind(SocketAddr::new(host, candidate)) {
            Ok(listener) => break listener,
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && candidate < last => {
                candidate += 1;
            }
            Err(e) => return Err(message(&e, host, first, last)),
        }
    };
    let bound = listener.local_addr().map_or(candidate, |a| a.port());
    let notice = (candidate != first).then(|| {
        format!("port {first} is in use; serving on port {bound} instead (--port N picks one)")
    });
    let _ = socket2::SockRef::from(&listener).set_tcp_nodelay(true);
    Ok(Listening {
        listener,
        port: bound,
        notice,
    })
}

fn message(e: &std::io::Error, host: IpAddr, first: u16, last: u16) -> String {
    match e.kind() {
        std::io::ErrorKind::AddrInUse if first == last => format!(
            "port {first} on {host} is already in use: stop the other server or pick another port with --port N"
        ),
        std::io::ErrorKind::AddrInUse => format!(
            "ports {first}–{last} on {host} are all in use: stop another server or pick a port with --port N"
        ),
        std::io::ErrorKind::AddrNotAvailable => {
            format!(
                "cannot listen on {host}: not an address of this machine (try --host 127.0.0.1)"
            )
        }
        _ => format!("cannot listen on {}: {e}", SocketAddr::new(host, first)),
    }
}

/// The URL to open on this machine.
pub fn local_url(host: IpAddr, port: u16) -> String {
    match host {
        IpAddr::V4(ip) if ip.is_unspecified() => url(IpAddr::from([127, 0, 0, 1]), port),
        IpAddr::V6(ip) if ip.is_unspecified() => url(IpAddr::from([0, 0, 0, 0, 0, 0, 0, 1]), port),
        _ => url(host, port),
    }
}

/// The URLs other devices on the network can open: the machine's own addresses when `host`
/// is unspecified (all interfaces), none otherwise (the local URL is already the address).
pub fn network_urls(host: IpAddr, port: u16) -> Vec<String> {
    if !host.is_unspecified() {
        return Vec::new();
    }
    let addresses: Vec<IpAddr> = if_addrs::get_if_addrs()
        .map(|ifs| {
            ifs.into_iter()
                .filter(|i| i.oper_status != if_addrs::IfOperStatus::Down)
                .map(|i| i.ip())
                .collect()
        })
        .unwrap_or_default();
    reachable(host, &addresses)
        .into_iter()
        .map(|ip| url(ip, port))
        .collect()
}

/// Addresses of this machine another device can reach: not loopback or link-local; IPv6 ones
/// only when listening on IPv6. Sorted, IPv4 first.
fn reachable(host: IpAddr, addresses: &[IpAddr]) -> Vec<IpAddr> {
    let mut out: Vec<IpAddr> = addresses
        .iter()
        .copied()
        .filter(|ip| match ip {
            IpAddr::V4(v4) => !v4.is_loopback() && !v4.is_link_local() && !v4.is_unspecified(),
            IpAddr::V6(v6) => {
                host.is_ipv6()
                    && !v6.is_loopback()
                    && !v6.is_unspecified()
                    && (v6.segments()[0] & 0xffc0) != 0xfe80
            }
        })
        .collect();
    out.sort_by_key(|ip| (ip.is_ipv6(), *ip));
    out.dedup();
    out
}

fn url(ip: IpAddr, port: u16) -> String {
    match ip {
        IpAddr::V4(ip) => format!("http://{ip}:{port}/"),
        IpAddr::V6(ip) => format!("http://[{ip}]:{port}/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_explicit_port_is_a_clear_error() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let err = bind("127.0.0.1".parse().unwrap(), Some(port))
            .err()
            .expect("port is taken");
        assert!(
            err.contains(&format!("port {port}")) && err.contains("--port"),
            "{err}"
        );
    }

    #[test]
    fn a_taken_default_port_moves_on_and_says_so() {
        let host: IpAddr = "127.0.0.1".parse().unwrap();
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        if port > u16::MAX - 20 {
            return; // no room above it to move to
        }
        let listening = bind_range(host, port, port + 19).expect("a free port after it");
        assert!(listening.port > port);
        let notice = listening.notice.expect("says so");
        assert!(
            notice.starts_with(&format!(
                "port {port} is in use; serving on port {}",
                listening.port
            )),
            "{notice}"
        );
    }

    #[test]
    fn prints_a_url_that_a_browser_can_open() {
        assert_eq!(
            local_url("127.0.0.1".parse().unwrap(), 3000),
            "http://127.0.0.1:3000/"
        );
        assert_eq!(
            local_url("0.0.0.0".parse().unwrap(), 80),
            "http://127.0.0.1:80/"
        );
        assert_eq!(
            local_url("::1".parse().unwrap(), 3000),
            "http://[::1]:3000/"
        );
    }

    #[test]
    fn network_addresses_exclude_loopback_and_link_local() {
        let addrs: Vec<IpAddr> = [
            "127.0.0.1",
            "192.168.1.20",
            "169.254.3.4",
            "10.0.0.7",
            "::1",
            "fe80::1",
            "2001:db8::5",
            "192.168.1.20",
        ]
        .iter()
        .map(|a| a.parse().unwrap())
        .collect();
        let v4 = reachable("0.0.0.0".parse().unwrap(), &addrs);
        assert_eq!(
            v4,
            [
                "10.0.0.7".parse::<IpAddr>().unwrap(),
                "192.168.1.20".parse().unwrap()
            ]
        );
        let v6 = reachable("::".parse().unwrap(), &addrs);
        assert_eq!(v6.last(), Some(&"2001:db8::5".parse().unwrap()));
        assert_eq!(v6.len(), 3);
        assert!(network_urls("127.0.0.1".parse().unwrap(), 3000).is_empty());
    }
}
