//! Render requests: what a sending service asks of a loaded project (`render`,
//! `render --stream`, `serve`, or this library), and what it gets back.
//!
//! A request names a template, a locale and the send-time data:
//! `{"id": any, "template": "order-confirmation", "locale": "en", "data": {...}}` (or
//! `"fixture": "standard"` to render a sample). [`parse`] reads one, [`prepare`] checks it —
//! [`validate_data`] is the one place where request data is validated before rendering — and
//! [`render`] builds the email. [`response`] is the JSON answer.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::findings::{Finding, Severity};
use crate::pipeline::{Email, Pipeline};
use crate::project::EmailTemplate;

/// Largest request accepted: one line of `render --stream`, one body of `serve` (1 MiB; the
/// starter kit's largest order, 40 items, is about 5 KB of data).
pub const MAX_REQUEST_BYTES: usize = 1024 * 1024;

/// One render request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// Anything; echoed in the response so answers can be matched to requests.
    #[serde(default)]
    pub id: Value,
    /// Template name (file stem under `templates/`).
    pub template: String,
    /// Locale code (default: the project's default locale).
    #[serde(default)]
    pub locale: Option<String>,
    /// Send-time data: an object of names to values, as a fixture holds them.
    #[serde(default)]
    pub data: Option<Value>,
    /// Instead of `data`: the name of one of the template's fixtures.
    #[serde(default)]
    pub fixture: Option<String>,
}

/// What went wrong with a request, as a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request is not JSON (or not UTF-8).
    BadJson,
    /// The request is over [`MAX_REQUEST_BYTES`].
    TooLarge,
    /// JSON, but not a request: a missing `template`, an unknown field, `data` not an object.
    BadRequest,
    /// No template of that name.
    UnknownTemplate,
    /// No locale of that code.
    UnknownLocale,
    /// No fixture of that name for the template.
    UnknownFixture,
    /// The data does not match what the template needs.
    InvalidData,
    /// The email could not be built (a template error, usually data it expected and did not
    /// get); `findings` says where.
    RenderFailed,
}

impl ErrorCode {
    /// The HTTP status `serve` answers with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::BadJson | ErrorCode::BadRequest => 400,
            ErrorCode::TooLarge => 413,
            ErrorCode::UnknownTemplate | ErrorCode::UnknownLocale | ErrorCode::UnknownFixture => {
                404
            }
            ErrorCode::InvalidData | ErrorCode::RenderFailed => 422,
        }
    }
}

/// A request that could not be answered with an email.
#[derive(Debug, Clone, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct RequestError {
    /// Stable code.
    pub code: ErrorCode,
    /// What is wrong and what to do.
    pub message: String,
    /// For `invalid_data`: every way the data breaks the template's contract, with its path.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<crate::contract::Problem>,
    /// For `render_failed`: the build's findings, with file, line and column.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}

impl RequestError {
    /// An error with no findings.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> RequestError {
        RequestError {
            code,
            message: message.into(),
            problems: Vec::new(),
            findings: Vec::new(),
        }
    }
}

/// Reads one request from JSON text. On error, also returns the request's `id` when it could
/// be read, so the error response can carry it.
pub fn parse(bytes: &[u8]) -> Result<Request, (Value, RequestError)> {
    if bytes.len() > MAX_REQUEST_BYTES {
        return Err((Value::Null, too_large(bytes.len())));
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        let message = format!("not a JSON request: {e}");
        (Value::Null, RequestError::new(ErrorCode::BadJson, message))
    })?;
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    if !value.is_object() {
        let message = "a request is a JSON object: {\"id\": …, \"template\": \"…\", \"locale\": \"…\", \"data\": {…}}";
        return Err((id, RequestError::new(ErrorCode::BadRequest, message)));
    }
    serde_json::from_value(value).map_err(|e| {
        let message = format!("not a render request: {e}");
        (id, RequestError::new(ErrorCode::BadRequest, message))
    })
}

/// The error for a request of `bytes` bytes.
pub fn too_large(bytes: usize) -> RequestError {
    RequestError::new(
        ErrorCode::TooLarge,
        format!(
            "the request is {bytes} bytes; the limit is {MAX_REQUEST_BYTES}: send only the data the template uses"
        ),
    )
}

/// A request checked against the project, ready to build.
#[derive(Debug, Clone)]
pub struct Prepared<'a> {
    /// The template.
    pub template: &'a EmailTemplate,
    /// The locale code.
    pub locale: String,
    /// The fixture's name, or `data` for send-time data.
    pub fixture: String,
    /// The data to render with.
    pub data: Cow<'a, Map<String, Value>>,
}

/// Checks a request against the project: the template, locale and fixture exist, the data is
/// an object and valid for the template.
pub fn prepare<'a>(
    pipeline: &'a Pipeline,
    request: &Request,
) -> Result<Prepared<'a>, RequestError> {
    let project = &pipeline.project;
    let template = project.template(&request.template).ok_or_else(|| {
        let known: Vec<_> = project.templates.iter().map(|t| t.name.as_str()).collect();
        RequestError::new(
            ErrorCode::UnknownTemplate,
            format!(
                "no template named `{}`; templates: {}",
                request.template,
                known.join(", ")
            ),
        )
    })?;
    let locale = request
        .locale
        .clone()
        .unwrap_or_else(|| project.locales.default.clone());
    if !project.locales.strings.contains_key(&locale) {
        let known: Vec<_> = project.locales.codes().collect();
        return Err(RequestError::new(
            ErrorCode::UnknownLocale,
            format!("no locale `{locale}`; locales: {}", known.join(", ")),
        ));
    }
    let (fixture, data) = match (&request.data, &request.fixture) {
        (Some(_), Some(_)) => {
            return Err(RequestError::new(
                ErrorCode::BadRequest,
                "give either `data` or `fixture`, not both",
            ));
        }
        (Some(Value::Object(data)), None) => ("data".to_string(), Cow::Owned(data.clone())),
        (Some(_), None) => {
            return Err(RequestError::new(
                ErrorCode::BadRequest,
                "`data` must be an object of names to values, like a fixture file",
            ));
        }
        (None, Some(name)) => (
            name.clone(),
            Cow::Owned(fixture_data(pipeline, template, name, &locale)?),
        ),
        (None, None) => {
            return Err(RequestError::new(
                ErrorCode::BadRequest,
                "the request has no `data`: send the email's data as an object (or name a sample with `fixture`)",
            ));
        }
    };
    validate_data(pipeline, template, &data)?;
    Ok(Prepared {
        template,
        locale,
        fixture,
        data,
    })
}

/// The data of the fixture `name` in `locale` (its overlay for that locale merged in).
fn fixture_data(
    pipeline: &Pipeline,
    template: &EmailTemplate,
    name: &str,
    locale: &str,
) -> Result<Map<String, Value>, RequestError> {
    let fixtures = pipeline.project.fixtures_of(&template.name);
    let fixture = fixtures.iter().find(|f| f.name == name).ok_or_else(|| {
        let known: Vec<_> = fixtures.iter().map(|f| f.name.as_str()).collect();
        RequestError::new(
            ErrorCode::UnknownFixture,
            format!(
                "`{}` has no fixture `{name}`; fixtures: {}",
                template.name,
                known.join(", ")
            ),
        )
    })?;
    fixture.data_for(locale).map_err(|finding| RequestError {
        code: ErrorCode::InvalidData,
        message: finding.to_string(),
        problems: Vec::new(),
        findings: vec![finding.clone()],
    })
}

/// The one place where a request's data is checked before rendering, for `render`,
/// `render --stream` and `serve` alike: against the template's data contract (its JSON Schema,
/// declared or inferred), reporting every problem at once with its JSON path as an
/// [`ErrorCode::InvalidData`] error, instead of the template's first undefined variable.
pub fn validate_data(
    pipeline: &Pipeline,
    template: &EmailTemplate,
    data: &Map<String, Value>,
) -> Result<(), RequestError> {
    if !template.treatment.tera {
        return Ok(());
    }
    let checker = pipeline
        .contract(template)
        .map_err(|finding| RequestError {
            code: ErrorCode::InvalidData,
            message: format!(
                "the data contract of `{}` is broken, so no data can be checked: {finding}",
                template.name
            ),
            problems: Vec::new(),
            findings: vec![finding],
        })?;
    let problems = checker.problems(data);
    if problems.is_empty() {
        return Ok(());
    }
    let listed: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
    Err(RequestError {
        code: ErrorCode::InvalidData,
        message: format!(
            "the data does not match what `{}` needs ({}):\n{}",
            template.name,
            checker.source(),
            listed.join("\n")
        ),
        problems,
        findings: Vec::new(),
    })
}

/// Checks and builds the email a request asks for. An email that could not be built is a
/// [`ErrorCode::RenderFailed`] error carrying its findings; an email that built is returned
/// with its check findings (which may include errors, such as a size over the Gmail clip).
pub fn render(pipeline: &Pipeline, request: &Request) -> Result<Email, RequestError> {
    let prepared = prepare(pipeline, request)?;
    let email = pipeline.build_with(
        prepared.template,
        &prepared.locale,
        &prepared.fixture,
        &prepared.data,
    );
    if email.content.is_some() {
        return Ok(email);
    }
    let first = email
        .findings
        .iter()
        .find(|f| f.severity == Severity::Error)
        .map_or_else(
            || "the email could not be built".to_string(),
            Finding::to_string,
        );
    Err(RequestError {
        code: ErrorCode::RenderFailed,
        message: first,
        problems: Vec::new(),
        findings: email.findings,
    })
}

/// The fields of a built email in a response: `template`, `locale`, `subject`, `preheader`,
/// `html`, `text`, `headers` and `findings` (`null` parts when it could not be built).
pub fn email_fields(email: &Email) -> Map<String, Value> {
    let content = email.content.as_ref();
    let value = json!({
        "template": email.id.template,
        "locale": email.id.locale,
        "subject": content.map(|c| c.subject.clone()),
        "preheader": content.map(|c| c.preheader.clone()),
        "html": content.map(|c| c.html.clone()),
        "text": content.map(|c| c.text.clone()),
        "headers": email.summary.as_ref().map(|s| &*s.headers),
        "findings": email.findings,
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The JSON answer to a request: `{"id", …email fields}` or `{"id", "error": {"code",
/// "message", "findings"?}}`.
pub fn response(id: &Value, result: &Result<Email, RequestError>) -> Value {
    let mut map = Map::new();
    map.insert("id".into(), id.clone());
    match result {
        Ok(email) => map.extend(email_fields(email)),
        Err(error) => {
            map.insert("error".into(), json!(error));
        }
    }
    Value::Object(map)
}

/// Parses, renders and answers one request in one call.
pub fn answer(pipeline: &Pipeline, bytes: &[u8]) -> (Value, Result<Email, RequestError>) {
    match parse(bytes) {
        Ok(request) => {
            let result = render(pipeline, &request);
            (request.id, result)
        }
        Err((id, error)) => (id, Err(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pipeline() -> Pipeline {
        Pipeline::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    fn error_of(pipeline: &Pipeline, line: &str) -> (Value, ErrorCode, String) {
        let (id, result) = answer(pipeline, line.as_bytes());
        let err = result.expect_err("an error");
        (id, err.code, err.message)
    }

    #[test]
    fn renders_send_time_data() {
        let pipeline = pipeline();
        let line = r#"{"id": 7, "template": "password-reset", "locale": "tr", "data": {"customer": {"first_name": "Şule"}, "reset": {"url": "https://x.example/r?t=1", "expires_in_minutes": 30}}}"#;
        let (id, result) = answer(&pipeline, line.as_bytes());
        assert_eq!(id, json!(7));
        let email = result.unwrap_or_else(|e| panic!("{e} {:?}", e.findings));
        assert_eq!(email.id.locale, "tr");
        let html = &email.content.as_ref().unwrap().html;
        assert!(html.contains("Şule") && html.contains("https://x.example/r?t=1"));
        let value = response(&id, &Ok(email));
        assert_eq!(
            value["headers"]["From"],
            "Fernwood Home <orders@fernwood-home.example>"
        );
    }

    #[test]
    fn every_bad_request_has_its_code_and_keeps_its_id() {
        let p = pipeline();
        assert_eq!(error_of(&p, "{\"id\": 1, ").1, ErrorCode::BadJson);
        assert_eq!(error_of(&p, "[1, 2]").1, ErrorCode::BadRequest);
        let (id, code, message) = error_of(&p, r#"{"id": "a", "template": "nope", "data": {}}"#);
        assert_eq!((id, code), (json!("a"), ErrorCode::UnknownTemplate));
        assert!(message.contains("order-confirmation"), "{message}");
        let (id, code, _) = error_of(
            &p,
            r#"{"id": 2, "template": "newsletter", "locale": "xx", "data": {}}"#,
        );
        assert_eq!((id, code), (json!(2), ErrorCode::UnknownLocale));
        let (_, code, message) = error_of(&p, r#"{"id": 3, "template": "newsletter", "dta": {}}"#);
        assert_eq!(code, ErrorCode::BadRequest);
        assert!(message.contains("unknown field `dta`"), "{message}");
        let (_, code, _) = error_of(&p, r#"{"template": "newsletter", "data": [1]}"#);
        assert_eq!(code, ErrorCode::BadRequest);
        let (_, code, message) = error_of(&p, r#"{"template": "newsletter"}"#);
        assert_eq!(code, ErrorCode::BadRequest, "no data is never sample data");
        assert!(message.contains("`data`"), "{message}");
        let (_, code, _) = error_of(&p, r#"{"template": "newsletter", "fixture": "nope"}"#);
        assert_eq!(code, ErrorCode::UnknownFixture);
    }

    #[test]
    fn missing_data_is_invalid_with_every_path_before_rendering() {
        let p = pipeline();
        let (_, result) = answer(
            &p,
            br#"{"template": "order-shipped", "data": {"order": {}}}"#,
        );
        let err = result.unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidData);
        assert_eq!(err.code.http_status(), 422);
        let paths: Vec<&str> = err.problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["customer", "order.number", "shipment"], "{err}");
        assert!(
            err.message.contains("shipment: is required but missing"),
            "{err}"
        );
    }

    #[test]
    fn data_a_filter_cannot_read_is_a_render_failure_with_its_position() {
        let p = pipeline();
        let (_, result) = answer(
            &p,
            br#"{"template": "order-shipped", "data": {"customer": {"first_name": "Ada"}, "order": {"number": "A-1"},
                "shipment": {"carrier": "DPD", "tracking_number": "1", "tracking_url": "https://x.example/t",
                "window_start": "next Tuesday", "window_end": "2026-04-16T11:15:00+01:00"}}}"#,
        );
        let err = result.unwrap_err();
        assert_eq!(err.code, ErrorCode::RenderFailed);
        assert_eq!(err.code.http_status(), 422);
        let location = err.findings[0].location.as_ref().unwrap();
        assert_eq!(
            location.file,
            std::path::Path::new("templates/order-shipped.mjml")
        );
        assert!(location.line.is_some(), "{err}");
    }

    #[test]
    fn an_oversized_request_is_refused_before_parsing() {
        let big = format!(
            "{{\"template\": \"x\", \"data\": {{\"a\": \"{}\"}}}}",
            "x".repeat(MAX_REQUEST_BYTES)
        );
        let (_, err) = parse(big.as_bytes()).unwrap_err();
        assert_eq!(err.code, ErrorCode::TooLarge);
    }
}
