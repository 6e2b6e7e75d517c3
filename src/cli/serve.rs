//! `letterpress serve`: the warm renderer over HTTP (tiny_http). `POST /render` takes the same
//! JSON request as `render --stream` and answers the same JSON; `GET /health` says the project
//! is loaded. The project is loaded once and shared by a small pool of workers, each taking
//! the next request. Loopback by default; bodies over the request limit are refused unread.

use std::io::Read;
use std::net::IpAddr;
use std::sync::Arc;

use letterpress::pipeline::Pipeline;
use letterpress::request::{self, MAX_REQUEST_BYTES};
use serde_json::{Value, json};

use super::EXIT_OK;
use super::args::ServeArgs;
use super::commands::fail;
use super::preview::listen;
use super::preview::server::{accept_forever, host_allowed};

/// An HTTP answer: status, JSON body and, for 405, the methods allowed.
#[derive(Debug)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The JSON body.
    pub body: Value,
    /// `Allow` header value for 405.
    pub allow: Option<&'static str>,
}

impl Answer {
    fn ok(body: Value) -> Answer {
        Answer {
            status: 200,
            body,
            allow: None,
        }
    }

    fn error(status: u16, code: &str, message: &str) -> Answer {
        Answer {
            status,
            body: json!({"id": null, "error": {"code": code, "message": message}}),
            allow: None,
        }
    }
}

/// A request's body as read: the bytes, or its size when over the limit.
pub type Body = Result<Vec<u8>, usize>;

/// Runs `serve` until interrupted; returns an exit code only when it cannot start.
pub fn run(args: &ServeArgs) -> u8 {
    let pipeline = match Pipeline::load(&args.project) {
        Ok(p) => Arc::new(p),
        Err(err) => return fail(err),
    };
    let listener = match listen::bind(args.host, Some(args.port)) {
        Ok(listening) => listening.listener,
        Err(message) => return fail(message),
    };
    let workers = args
        .workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from))
        .clamp(1, 64);
    let port = listener.local_addr().map_or(args.port, |a| a.port());
    let loopback = args.host.is_loopback();
    if !loopback {
        eprintln!(
            "warning: serving on {} lets anyone on the network render your templates",
            args.host
        );
    }
    println!(
        "letterpress serve: POST {} ({} templates, {workers} workers; Ctrl-C to stop)",
        url_of(args.host, port),
        pipeline.project.templates.len()
    );
    accept_forever(&listener, workers, &|request| {
        handle(request, &pipeline, loopback)
    });
    EXIT_OK
}

fn url_of(host: IpAddr, port: u16) -> String {
    match host {
        IpAddr::V4(ip) if ip.is_unspecified() => format!("http://127.0.0.1:{port}/render"),
        IpAddr::V6(ip) => format!("http://[{ip}]:{port}/render"),
        IpAddr::V4(ip) => format!("http://{ip}:{port}/render"),
    }
}

fn handle(mut request: tiny_http::Request, pipeline: &Pipeline, loopback: bool) {
    let header = |name: &'static str| {
        request
            .headers()
            .iter()
            .find(|h| h.field.equiv(name))
            .map(|h| h.value.as_str().to_string())
    };
    let (host, content_type) = (header("Host"), header("Content-Type"));
    let method = request.method().as_str().to_string();
    let path = request
        .url()
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    let answer = if loopback && !host_allowed(host.as_deref()) {
        Answer::error(
            403,
            "forbidden",
            "this server only answers to localhost (start it with --host to serve a network)",
        )
    } else {
        let body = read_body(&mut request, method == "POST");
        route(&method, &path, content_type.as_deref(), body, pipeline)
    };
    let _ = request.respond(response(&answer));
}

/// Reads at most [`MAX_REQUEST_BYTES`]; a declared or actual larger body is not kept.
fn read_body(request: &mut tiny_http::Request, wanted: bool) -> Body {
    if !wanted {
        return Ok(Vec::new());
    }
    if let Some(length) = request.body_length().filter(|&n| n > MAX_REQUEST_BYTES) {
        return Err(length);
    }
    let mut body = Vec::new();
    let limit = u64::try_from(MAX_REQUEST_BYTES).unwrap_or(u64::MAX) + 1;
    match request.as_reader().take(limit).read_to_end(&mut body) {
        Ok(n) if n > MAX_REQUEST_BYTES => Err(n),
        Ok(_) => Ok(body),
        Err(_) => Ok(Vec::new()),
    }
}

/// Answers one request: pure, so every route is tested without a socket.
pub fn route(
    method: &str,
    path: &str,
    content_type: Option<&str>,
    body: Body,
    pipeline: &Pipeline,
) -> Answer {
    match (path, method) {
        ("/render", "POST") => render(content_type, body, pipeline),
        ("/health", "GET" | "HEAD") => {
            let project = &pipeline.project;
            Answer::ok(json!({
                "status": "ok",
                "generator": format!("letterpress {}", env!("CARGO_PKG_VERSION")),
                "templates": project.templates.iter().map(|t| &t.name).collect::<Vec<_>>(),
                "locales": project.locales.codes().collect::<Vec<_>>(),
            }))
        }
        ("/render", _) => Answer {
            allow: Some("POST"),
            ..Answer::error(405, "method_not_allowed", "POST a JSON request to /render")
        },
        ("/health", _) => Answer {
            allow: Some("GET, HEAD"),
            ..Answer::error(405, "method_not_allowed", "GET /health")
        },
        _ => Answer::error(
            404,
            "not_found",
            "no such endpoint: POST /render or GET /health",
        ),
    }
}

fn render(content_type: Option<&str>, body: Body, pipeline: &Pipeline) -> Answer {
    let json_type = content_type.is_some_and(|t| {
        let essence = t.split(';').next().unwrap_or_default().trim();
        essence.eq_ignore_ascii_case("application/json")
    });
    if !json_type {
        return Answer::error(
            415,
            "unsupported_media_type",
            "send the request as JSON with the header Content-Type: application/json",
        );
    }
    let (id, result) = match body {
        Ok(bytes) => request::answer(pipeline, &bytes),
        Err(size) => (Value::Null, Err(request::too_large(size))),
    };
    let status = result.as_ref().err().map_or(200, |e| e.code.http_status());
    Answer {
        status,
        body: request::response(&id, &result),
        allow: None,
    }
}

fn response(answer: &Answer) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let mut body = serde_json::to_vec(&answer.body).unwrap_or_default();
    body.push(b'\n');
    let mut response = tiny_http::Response::from_data(body).with_status_code(answer.status);
    let headers = [
        Some(("Content-Type", "application/json")),
        Some(("Cache-Control", "no-store")),
        Some(("X-Content-Type-Options", "nosniff")),
        answer.allow.map(|allow| ("Allow", allow)),
    ];
    for (name, value) in headers.into_iter().flatten() {
        if let Ok(header) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(header);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pipeline() -> Pipeline {
        Pipeline::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    fn post(body: &str, pipeline: &Pipeline) -> Answer {
        route(
            "POST",
            "/render",
            Some("application/json; charset=utf-8"),
            Ok(body.as_bytes().to_vec()),
            pipeline,
        )
    }

    #[test]
    fn renders_and_answers_with_statuses_per_error() {
        let p = pipeline();
        let ok = post(
            r#"{"id": "x", "template": "newsletter", "fixture": "default"}"#,
            &p,
        );
        assert_eq!(ok.status, 200);
        assert_eq!(ok.body["id"], "x");
        assert_eq!(
            ok.body["headers"]["List-Unsubscribe-Post"],
            "List-Unsubscribe=One-Click"
        );
        assert_eq!(post("{", &p).status, 400);
        assert_eq!(post(r#"{"template": "nope", "data": {}}"#, &p).status, 404);
        let invalid = post(r#"{"template": "order-shipped", "data": {}}"#, &p);
        assert_eq!(invalid.status, 422);
        assert_eq!(invalid.body["error"]["code"], "invalid_data");
        assert_eq!(
            invalid.body["error"]["problems"][0],
            serde_json::json!({"path": "customer", "message": "is required but missing"})
        );
        let big = route(
            "POST",
            "/render",
            Some("application/json"),
            Err(MAX_REQUEST_BYTES + 1),
            &p,
        );
        assert_eq!(
            (big.status, big.body["error"]["code"].as_str()),
            (413, Some("too_large"))
        );
    }

    #[test]
    fn refuses_other_media_types_methods_and_paths() {
        let p = pipeline();
        let form = route(
            "POST",
            "/render",
            Some("text/plain"),
            Ok(b"{}".to_vec()),
            &p,
        );
        assert_eq!(form.status, 415, "a cross-site form cannot post JSON");
        let get = route("GET", "/render", None, Ok(Vec::new()), &p);
        assert_eq!((get.status, get.allow), (405, Some("POST")));
        assert_eq!(route("GET", "/", None, Ok(Vec::new()), &p).status, 404);
        let health = route("GET", "/health", None, Ok(Vec::new()), &p);
        assert_eq!(health.status, 200);
        assert_eq!(health.body["locales"], json!(["en", "tr"]));
    }
}
