//! The output bound of one Tera render: Tera renders into a writer that stops after
//! [`MAX_OUTPUT_BYTES`], so a loop that prints (`{% for i in range(end=100000) %}` twice nested)
//! becomes a finding after a few megabytes instead of eating memory and time. Loops that print
//! nothing are bounded in time by [`crate::deadline`].

use std::io::Write;

use tera::{Context, Tera};

/// Most bytes one template may render: 4 MiB, forty times what Gmail shows before clipping.
pub const MAX_OUTPUT_BYTES: usize = 4 * 1024 * 1024;

/// Why a render produced no text.
pub enum Failure {
    /// Tera's own error.
    Tera(tera::Error),
    /// The output passed [`MAX_OUTPUT_BYTES`].
    TooLong,
}

/// Renders `name` with `context`, stopping after [`MAX_OUTPUT_BYTES`].
pub fn render(tera: &Tera, name: &str, context: &Context) -> Result<String, Failure> {
    let mut out = Capped {
        bytes: Vec::new(),
        exceeded: false,
    };
    let result = tera.render_to(name, context, &mut out);
    if out.exceeded {
        return Err(Failure::TooLong);
    }
    result.map_err(Failure::Tera)?;
    String::from_utf8(out.bytes).map_err(|e| Failure::Tera(e.into()))
}

/// A buffer that refuses to grow past [`MAX_OUTPUT_BYTES`].
struct Capped {
    bytes: Vec<u8>,
    exceeded: bool,
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > MAX_OUTPUT_BYTES {
            self.exceeded = true;
            return Err(std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                "rendered output over the limit",
            ));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loop_that_prints_stops_at_the_limit() {
        let mut tera = Tera::new();
        tera.add_raw_template(
            "loop",
            "{% for i in range(end=100000) %}{% for j in range(end=100000) %}xxxxxxxxxx{% endfor %}{% endfor %}",
        )
        .unwrap();
        assert!(matches!(
            render(&tera, "loop", &Context::new()),
            Err(Failure::TooLong)
        ));
    }

    #[test]
    fn ordinary_output_is_returned() {
        let mut tera = Tera::new();
        tera.add_raw_template("t", "{% for i in range(end=3) %}{{ i }}{% endfor %}")
            .unwrap();
        assert_eq!(render(&tera, "t", &Context::new()).ok(), Some("012".into()));
    }
}
