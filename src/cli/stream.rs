//! `letterpress render --stream`: a warm renderer for a sending service in any language. The
//! project is loaded once; each line of stdin is one JSON request and gets exactly one JSON
//! line on stdout, in order, flushed at once. A bad line (not JSON, over the size limit, an
//! unknown template) gets an error response on its line and the stream goes on; blank lines
//! are skipped; end of input ends the stream with exit code 0.

use std::io::{self, BufRead, IsTerminal, Write};

use letterpress::pipeline::Pipeline;
use letterpress::request::{self, MAX_REQUEST_BYTES};
use serde_json::Value;

use super::args::RenderArgs;
use super::commands::fail;
use super::{EXIT_OK, EXIT_USAGE};

/// Runs the stream on stdin and stdout.
pub fn run(args: &RenderArgs) -> u8 {
    let pipeline = match Pipeline::load(&args.project) {
        Ok(p) => p,
        Err(err) => return fail(err),
    };
    if let Some(locale) = &args.locale {
        if !pipeline.project.locales.strings.contains_key(locale) {
            let known: Vec<_> = pipeline.project.locales.codes().collect();
            return fail(format!(
                "no locale `{locale}`; locales: {}",
                known.join(", ")
            ));
        }
    }
    let stdin = io::stdin();
    if stdin.is_terminal() {
        eprintln!(
            "letterpress: one JSON request per line, e.g. {{\"id\": 1, \"template\": \"{}\", \"data\": {{…}}}}; Ctrl-D ends",
            pipeline.project.templates[0].name
        );
    }
    let stdout = io::stdout();
    match serve_lines(
        &pipeline,
        args.locale.as_deref(),
        stdin.lock(),
        stdout.lock(),
    ) {
        Ok(_) => EXIT_OK,
        // the reader went away: nobody is left to answer
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            let _ = fail(format!("render --stream: {e}"));
            EXIT_USAGE
        }
    }
}

/// Answers every request line of `input` on `output`; returns how many were answered.
/// `locale` is the default for requests that name none.
pub fn serve_lines(
    pipeline: &Pipeline,
    locale: Option<&str>,
    mut input: impl BufRead,
    mut output: impl Write,
) -> io::Result<usize> {
    let mut line = Vec::new();
    let mut answered = 0;
    while let Some(size) = read_line(&mut input, &mut line, MAX_REQUEST_BYTES)? {
        let (id, result) = match size {
            Line::Fits if line.trim_ascii().is_empty() => continue,
            Line::Fits => answer(pipeline, &line, locale),
            Line::TooLong(bytes) => (Value::Null, Err(request::too_large(bytes))),
        };
        let mut text = serde_json::to_vec(&request::response(&id, &result))?;
        text.push(b'\n');
        output.write_all(&text)?;
        output.flush()?;
        answered += 1;
    }
    Ok(answered)
}

fn answer(
    pipeline: &Pipeline,
    line: &[u8],
    locale: Option<&str>,
) -> (Value, Result<letterpress::Email, request::RequestError>) {
    match request::parse(line) {
        Ok(mut req) => {
            if req.locale.is_none() {
                req.locale = locale.map(str::to_string);
            }
            let result = request::render(pipeline, &req);
            (req.id, result)
        }
        Err((id, error)) => (id, Err(error)),
    }
}

/// How a line read.
#[derive(Debug, PartialEq, Eq)]
enum Line {
    /// In the buffer, without its line end.
    Fits,
    /// Longer than the limit: this many bytes, skipped without being kept.
    TooLong(usize),
}

/// Reads the next line into `buf` (without `\n` or `\r\n`), keeping at most `limit` bytes in
/// memory: a longer line is consumed to its end and reported as [`Line::TooLong`]. `None` at
/// end of input.
fn read_line(
    input: &mut impl BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Option<Line>> {
    buf.clear();
    let mut total = 0usize;
    let mut any = false;
    loop {
        let chunk = match input.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(at) => (at, true),
            None => (chunk.len(), false),
        };
        total += take;
        if total <= limit {
            buf.extend_from_slice(&chunk[..take]);
        }
        input.consume(take + usize::from(done));
        if done {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if total > limit {
        buf.clear();
        return Ok(Some(Line::TooLong(total)));
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(Line::Fits))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &str, limit: usize) -> Vec<(Line, String)> {
        let mut reader = io::BufReader::with_capacity(4, input.as_bytes());
        let mut buf = Vec::new();
        let mut out = Vec::new();
        while let Some(line) = read_line(&mut reader, &mut buf, limit).unwrap() {
            out.push((line, String::from_utf8(buf.clone()).unwrap()));
        }
        out
    }

    #[test]
    fn reads_lines_across_buffer_boundaries_without_line_ends() {
        let got = lines("{\"a\":1}\r\n\n{\"b\":22}", 100);
        assert_eq!(
            got,
            vec![
                (Line::Fits, "{\"a\":1}".to_string()),
                (Line::Fits, String::new()),
                (Line::Fits, "{\"b\":22}".to_string()),
            ]
        );
    }

    #[test]
    fn a_long_line_is_skipped_whole_and_the_next_one_still_reads() {
        let got = lines(&format!("{}\nnext\n", "x".repeat(50)), 10);
        assert_eq!(
            got,
            vec![
                (Line::TooLong(50), String::new()),
                (Line::Fits, "next".to_string())
            ]
        );
    }

    #[test]
    fn every_line_gets_one_answer_in_order() {
        let pipeline = Pipeline::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        let input = "{\"id\": 1, \"template\": \"newsletter\", \"fixture\": \"default\"}\n\
                     not json\n\n\
                     {\"id\": 3, \"template\": \"nope\", \"data\": {}}\n\
                     {\"id\": 4, \"template\": \"newsletter\", \"fixture\": \"default\"}";
        let mut out = Vec::new();
        let answered = serve_lines(&pipeline, Some("tr"), input.as_bytes(), &mut out).unwrap();
        assert_eq!(answered, 4, "the blank line is no request");
        let answers: Vec<Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(answers.len(), 4);
        assert_eq!(answers[0]["id"], 1);
        assert_eq!(
            answers[0]["locale"], "tr",
            "the default locale of the stream"
        );
        assert!(answers[0]["html"].as_str().unwrap().contains("lang=\"tr\""));
        assert_eq!(answers[1]["error"]["code"], "bad_json");
        assert_eq!(answers[2]["id"], 3);
        assert_eq!(answers[2]["error"]["code"], "unknown_template");
        assert_eq!(answers[3]["id"], 4);
        assert!(answers[3]["error"].is_null());
    }
}
