//! Splits Tera source into text, comments, raw blocks, `{{ }}` and `{% %}` pieces, and Tera
//! expressions into tokens. Tera keeps its own parser private, so the instrumentation needs
//! this much of the syntax: where tags start and end (strings may contain `%}`), whitespace
//! control, and which words in an expression are paths, filters, functions and keywords.

use std::ops::Range;

/// One piece of a template's source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Plain text (MJML).
    Text(Range<usize>),
    /// `{# #}` or `{% raw %}…{% endraw %}`: copied as it is.
    Verbatim(Range<usize>),
    /// `{{ … }}`.
    Output(Delimited),
    /// `{% … %}`.
    Tag(Delimited),
}

/// A `{{ }}` or `{% %}` piece.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delimited {
    /// The whole piece, delimiters included.
    pub range: Range<usize>,
    /// What lies between the delimiters and their `-` markers.
    pub inner: Range<usize>,
    /// `{%-` / `{{-`: trims whitespace before.
    pub trim_before: bool,
    /// `-%}` / `-}}`: trims whitespace after.
    pub trim_after: bool,
}

/// The source is not well-formed Tera: an unterminated tag, comment, string or raw block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    /// Byte offset where the unterminated construct starts.
    pub at: usize,
    /// What is unterminated.
    pub what: &'static str,
}

/// Splits `src` into pieces.
pub fn pieces(src: &str) -> Result<Vec<Piece>, LexError> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    let mut text_start = 0;
    while pos + 1 < bytes.len() {
        let (open, close, what) = match (bytes[pos], bytes[pos + 1]) {
            (b'{', b'{') => ("{{", "}}", "`{{`"),
            (b'{', b'%') => ("{%", "%}", "`{%`"),
            (b'{', b'#') => ("{#", "#}", "comment `{#`"),
            _ => {
                pos += 1;
                continue;
            }
        };
        if text_start < pos {
            out.push(Piece::Text(text_start..pos));
        }
        let start = pos;
        if open == "{#" {
            let end = src[pos + 2..]
                .find("#}")
                .map(|i| pos + 2 + i + 2)
                .ok_or(LexError { at: start, what })?;
            out.push(Piece::Verbatim(start..end));
            pos = end;
            text_start = pos;
            continue;
        }
        let end = find_close(src, pos + 2, close).ok_or(LexError { at: start, what })?;
        let trim_before = bytes.get(start + 2) == Some(&b'-');
        let trim_after =
            end >= 3 && bytes[end - 3] == b'-' && end - 3 >= start + 2 + usize::from(trim_before);
        let inner = (start + 2 + usize::from(trim_before))..(end - 2 - usize::from(trim_after));
        let piece = Delimited {
            range: start..end,
            inner,
            trim_before,
            trim_after,
        };
        if open == "{%" && keyword(&src[piece.inner.clone()]) == "raw" {
            let end = find_endraw(src, end).ok_or(LexError {
                at: start,
                what: "`{% raw %}`",
            })?;
            out.push(Piece::Verbatim(start..end));
            pos = end;
        } else {
            pos = end;
            out.push(if open == "{{" {
                Piece::Output(piece)
            } else {
                Piece::Tag(piece)
            });
        }
        text_start = pos;
    }
    if text_start < src.len() {
        out.push(Piece::Text(text_start..src.len()));
    }
    Ok(out)
}

/// The first word of a tag (`if`, `for`, `endif`…).
pub fn keyword(inner: &str) -> &str {
    let inner = inner.trim_start();
    let end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    &inner[..end]
}

/// Finds the end (just past `close`) of a tag whose body starts at `from`, skipping strings.
fn find_close(src: &str, from: usize, close: &str) -> Option<usize> {
    let bytes = src.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            q @ (b'"' | b'\'' | b'`') => i = skip_string(bytes, i, q)?,
            _ if bytes[i..].starts_with(close.as_bytes()) => return Some(i + close.len()),
            _ => i += 1,
        }
    }
    None
}

fn skip_string(bytes: &[u8], start: usize, quote: u8) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Finds the end of `{% endraw %}` (any whitespace control) after `from`.
fn find_endraw(src: &str, from: usize) -> Option<usize> {
    let mut search = from;
    while let Some(i) = src[search..].find("{%") {
        let start = search + i;
        let end = find_close(src, start + 2, "%}")?;
        let inner = src[start + 2..end - 2].trim_matches('-');
        if keyword(inner) == "endraw" {
            return Some(end);
        }
        search = end;
    }
    None
}

/// A token of a Tera expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    /// A name or keyword.
    Ident,
    /// A string literal.
    Str,
    /// A number literal.
    Num,
    /// Punctuation or an operator.
    Punct,
}

/// A token with its byte range in the expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Kind.
    pub tok: Tok,
    /// Where.
    pub range: Range<usize>,
}

/// Tokenizes an expression (whitespace dropped). Unterminated strings end the expression.
pub fn tokens(expr: &str) -> Vec<Token> {
    const MULTI: [&str; 10] = ["...", "?.", "?[", "//", "**", "==", "!=", "<=", ">=", "</"];
    let bytes = expr.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        let tok = if b.is_ascii_whitespace() {
            i += 1;
            continue;
        } else if matches!(b, b'"' | b'\'' | b'`') {
            i = skip_string(bytes, i, b).unwrap_or(bytes.len());
            Tok::Str
        } else if b.is_ascii_digit() {
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric()
                    || bytes[i] == b'_'
                    || (bytes[i] == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)))
            {
                i += 1;
            }
            Tok::Num
        } else if b.is_ascii_alphabetic() || b == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            Tok::Ident
        } else {
            let len = MULTI
                .iter()
                .find(|m| expr[i..].starts_with(**m))
                .map_or_else(
                    || expr[i..].chars().next().map_or(1, char::len_utf8),
                    |m| m.len(),
                );
            i += len;
            Tok::Punct
        };
        out.push(Token {
            tok,
            range: start..i,
        });
    }
    out
}

/// Converts a byte offset into a 1-based line and column.
pub fn line_col(src: &str, offset: usize) -> (u32, u32) {
    crate::error::line_col(src, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<String> {
        pieces(src)
            .unwrap()
            .iter()
            .map(|p| match p {
                Piece::Text(r) => format!("T:{}", &src[r.clone()]),
                Piece::Verbatim(r) => format!("V:{}", &src[r.clone()]),
                Piece::Output(d) => format!("O:{}", src[d.inner.clone()].trim()),
                Piece::Tag(d) => format!(
                    "G{}{}:{}",
                    if d.trim_before { "-" } else { "" },
                    if d.trim_after { "-" } else { "" },
                    src[d.inner.clone()].trim()
                ),
            })
            .collect()
    }

    #[test]
    fn pieces_of_a_template() {
        assert_eq!(
            kinds("a{{ x }}b{%- if y -%}c{# z #}{% endif %}"),
            [
                "T:a",
                "O:x",
                "T:b",
                "G--:if y",
                "T:c",
                "V:{# z #}",
                "G:endif"
            ]
        );
    }

    #[test]
    fn letters_of_any_script_inside_tags_are_read_not_split() {
        // Found by the fuzzer: a multi-byte letter inside a tag used to cut a character apart.
        assert_eq!(
            kinds("{{ ı }}ş{% if ğ %}é{% endif %}"),
            ["O:ı", "T:ş", "G:if ğ", "T:é", "G:endif"]
        );
        assert!(pieces("{{ ü").is_err());
    }

    #[test]
    fn strings_may_hold_closing_delimiters() {
        assert_eq!(kinds(r#"{{ "%}}" ~ x }}!"#), [r#"O:"%}}" ~ x"#, "T:!"]);
    }

    #[test]
    fn raw_blocks_are_verbatim() {
        assert_eq!(
            kinds("{% raw %}{{ x }}{% endraw %}y"),
            ["V:{% raw %}{{ x }}{% endraw %}", "T:y"]
        );
    }

    #[test]
    fn unterminated_tags_are_errors() {
        assert_eq!(pieces("ab{{ x").unwrap_err().at, 2);
        assert!(pieces("{% raw %}x").is_err());
    }

    #[test]
    fn expression_tokens() {
        let expr = r#"a.b | replace(from="x", to=c?.d) ~ 1.5"#;
        let toks: Vec<&str> = tokens(expr)
            .iter()
            .map(|t| &expr[t.range.clone()])
            .collect();
        assert_eq!(
            toks,
            [
                "a", ".", "b", "|", "replace", "(", "from", "=", "\"x\"", ",", "to", "=", "c",
                "?.", "d", ")", "~", "1.5"
            ]
        );
    }
}
