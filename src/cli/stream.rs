//! `letterpress render --stream`: a warm renderer for a sending service in any language. The
//! project is loaded once; each line of stdin is one JSON request and gets exactly one JSON
//! line on stdout, in order, flushed at once. A bad line (not JSON, over the size limit, an
//! unknown template) gets an error response on its line and the stream goes on; blank lines
//! are skipped; end of input ends the stream with exit code 0. Requests are rendered by a few
//! workers at once (one per core by default) and answered in order.

use std::collections::BTreeMap;
use std::io::{self, BufRead, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};

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
    if io::stdin().is_terminal() {
        eprintln!(
            "letterpress: one JSON request per line, e.g. {{\"id\": 1, \"template\": \"{}\", \"data\": {{…}}}}; Ctrl-D ends",
            pipeline.project.templates[0].name
        );
    }
    let workers = args
        .workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .clamp(1, 64);
    let input = io::BufReader::new(io::stdin());
    match serve_lines(
        &pipeline,
        args.locale.as_deref(),
        input,
        io::stdout(),
        workers,
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

/// A request line as read.
enum Job {
    /// The line's bytes.
    Line(Vec<u8>),
    /// A line over the limit, of this many bytes.
    TooLong(usize),
}

/// Answers every request line of `input` on `output`, in order, each flushed as soon as it and
/// every answer before it are ready; `workers` threads render at once. Returns how many were
/// answered. `locale` is the default for requests that name none.
pub fn serve_lines(
    pipeline: &Pipeline,
    locale: Option<&str>,
    mut input: impl BufRead,
    output: impl Write + Send,
    workers: usize,
) -> io::Result<usize> {
    let stop = AtomicBool::new(false);
    let (jobs, queue) = mpsc::sync_channel::<(usize, Job)>(workers * 4);
    // Only the workers hold the queue: when the output fails they stop, the queue goes with
    // the last of them, and a reader waiting for room in it is told instead of waiting forever.
    let queue = Arc::new(Mutex::new(queue));
    let (done, answers) = mpsc::channel::<(usize, Vec<u8>)>();
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            let (queue, done) = (Arc::clone(&queue), done.clone());
            // emails build on threads with the large stack deep documents need
            let spawned = std::thread::Builder::new()
                .stack_size(letterpress::build::STACK_SIZE)
                .spawn_scoped(scope, move || {
                    loop {
                        let next = queue
                            .lock()
                            .map_err(|_| ())
                            .and_then(|q| q.recv().map_err(|_| ()));
                        let Ok((seq, job)) = next else { return };
                        if done.send((seq, answer(pipeline, job, locale))).is_err() {
                            return;
                        }
                    }
                });
            spawned?;
        }
        drop((queue, done));
        let writer = scope.spawn(|| write_in_order(answers, output, &stop));
        let mut line = Vec::new();
        let mut seq = 0;
        while !stop.load(Ordering::Relaxed) {
            let job = match read_line(&mut input, &mut line, MAX_REQUEST_BYTES)? {
                None => break,
                Some(Line::Fits) if line.trim_ascii().is_empty() => continue,
                Some(Line::Fits) => Job::Line(std::mem::take(&mut line)),
                Some(Line::TooLong(bytes)) => Job::TooLong(bytes),
            };
            if jobs.send((seq, job)).is_err() {
                break;
            }
            seq += 1;
        }
        drop(jobs);
        writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writer failed")))
    })
}

/// Writes answers in request order as they come in; sets `stop` when the output fails.
fn write_in_order(
    answers: mpsc::Receiver<(usize, Vec<u8>)>,
    mut output: impl Write,
    stop: &AtomicBool,
) -> io::Result<usize> {
    let mut pending = BTreeMap::new();
    let mut next = 0;
    for (seq, text) in answers {
        pending.insert(seq, text);
        while let Some(text) = pending.remove(&next) {
            let written = output.write_all(&text).and_then(|()| output.flush());
            if let Err(e) = written {
                stop.store(true, Ordering::Relaxed);
                return Err(e);
            }
            next += 1;
        }
    }
    Ok(next)
}

/// The JSON line answering one request.
fn answer(pipeline: &Pipeline, job: Job, locale: Option<&str>) -> Vec<u8> {
    let (id, result) = match job {
        Job::TooLong(bytes) => (Value::Null, Err(request::too_large(bytes))),
        Job::Line(line) => match request::parse(&line) {
            Ok(mut req) => {
                if req.locale.is_none() {
                    req.locale = locale.map(str::to_string);
                }
                let result = request::render(pipeline, &req);
                (req.id, result)
            }
            Err((id, error)) => (id, Err(error)),
        },
    };
    let mut text = serde_json::to_vec(&request::response(&id, &result)).unwrap_or_default();
    text.push(b'\n');
    text
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

    /// An output that is gone, like a closed pipe.
    struct Closed;

    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_output_ends_the_stream_instead_of_hanging_it() {
        // more lines than the queue holds: the reader used to wait for room forever
        let input = "not json\n".repeat(200);
        let (finished, result) = mpsc::channel();
        std::thread::spawn(move || {
            let pipeline =
                Pipeline::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
            let served = serve_lines(&pipeline, None, input.as_bytes(), Closed, 1);
            let _ = finished.send(served.map_err(|e| e.kind()));
        });
        // a guard against hanging the test run, not a measure of speed
        let served = result.recv_timeout(std::time::Duration::from_secs(120));
        assert_eq!(served, Ok(Err(io::ErrorKind::BrokenPipe)));
    }

    #[test]
    fn every_line_gets_one_answer_in_order() {
        let pipeline = Pipeline::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        let input = "{\"id\": 1, \"template\": \"newsletter\", \"fixture\": \"default\"}\n\
                     not json\n\n\
                     {\"id\": 3, \"template\": \"nope\", \"data\": {}}\n\
                     {\"id\": 4, \"template\": \"newsletter\", \"fixture\": \"default\"}";
        let mut out = Vec::new();
        let answered = serve_lines(&pipeline, Some("tr"), input.as_bytes(), &mut out, 2).unwrap();
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
