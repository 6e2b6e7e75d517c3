//! Links of the text part that sit inside a send-time conditional or loop. html2text lists
//! every link's URL at the end (`[Track it][3]` … `[3]: https://…`), outside the block that
//! holds the link: the URL of a link shown only sometimes, or once per item, would be printed
//! always, or once. Such links are written inline instead (`Track it <https://…>`), and the
//! remaining footnotes are numbered again from 1.

use super::markers::{self, Entry, Kind, Registry};

/// Rewrites the marked text part as described above.
pub fn inline_in_blocks(text: &str, registry: &Registry) -> String {
    let lines: Vec<&str> = text.lines().collect();
    // The footnote list is the last run of `[n]: url` lines.
    let mut first_note = lines.len();
    while first_note > 0 && footnote(lines[first_note - 1]).is_some() {
        first_note -= 1;
    }
    let notes: Vec<(usize, &str)> = lines[first_note..]
        .iter()
        .filter_map(|l| footnote(l))
        .collect();
    if notes.is_empty() {
        return text.to_string();
    }
    let url_of = |n: usize| notes.iter().find(|(k, _)| *k == n).map(|(_, u)| *u);
    let notes_at: usize = lines[..first_note].iter().map(|l| l.len() + 1).sum();
    let source = &text[..notes_at.min(text.len())];
    let mut depth: i64 = 0;
    let mut inlined = Vec::new();
    let mut kept_refs = Vec::new();
    let mut body = String::with_capacity(text.len());
    let mut rest = source;
    while let Some((before, label, n, after)) = next_reference(rest) {
        depth += depth_change(before, registry);
        body.push_str(before);
        match url_of(n) {
            Some(url) if depth > 0 => {
                body.push_str(&format!("{label} <{url}>"));
                inlined.push(n);
            }
            _ => {
                body.push_str(&format!("[{label}][{n}]"));
                kept_refs.push(n);
            }
        }
        rest = after;
    }
    body.push_str(rest);
    if inlined.is_empty() {
        return text.to_string();
    }
    // Renumber what is left in order of first reference.
    let mut order: Vec<usize> = Vec::new();
    for n in &kept_refs {
        if !order.contains(n) {
            order.push(*n);
        }
    }
    let renumber = |n: usize| order.iter().position(|k| *k == n).map(|i| i + 1);
    let mut renumbered = String::with_capacity(body.len());
    let mut rest = body.as_str();
    while let Some((before, label, n, after)) = next_reference(rest) {
        renumbered.push_str(before);
        match renumber(n) {
            Some(k) => renumbered.push_str(&format!("[{label}][{k}]")),
            None => renumbered.push_str(&format!("[{label}][{n}]")),
        }
        rest = after;
    }
    renumbered.push_str(rest);
    for (i, n) in order.iter().enumerate() {
        if let Some(url) = url_of(*n) {
            renumbered.push_str(&format!("[{}]: {url}\n", i + 1));
        }
    }
    if !order.is_empty() || renumbered.ends_with("\n\n") {
        return renumbered;
    }
    // No footnotes left: drop the blank line that separated them.
    let trimmed = renumbered.trim_end_matches('\n');
    format!("{trimmed}\n")
}

/// `[n]: url` → (n, url).
fn footnote(line: &str) -> Option<(usize, &str)> {
    let rest = line.strip_prefix('[')?;
    let (n, url) = rest.split_once("]: ")?;
    Some((n.parse().ok()?, url))
}

/// The next `[label][n]` in `text` (the label may run over lines): (text before, label, n,
/// text after).
fn next_reference(text: &str) -> Option<(&str, &str, usize, &str)> {
    let mut from = 0;
    while let Some(i) = text[from..].find("][") {
        let mid = from + i;
        let close = text[mid + 2..].find(']').map(|j| mid + 2 + j);
        let open = text[..mid].rfind('[');
        if let (Some(open), Some(close)) = (open, close) {
            if let Ok(n) = text[mid + 2..close].parse() {
                return Some((&text[..open], &text[open + 1..mid], n, &text[close + 1..]));
            }
        }
        from = mid + 2;
    }
    None
}

/// How many blocks the control markers in `text` open (minus those they close).
fn depth_change(text: &str, registry: &Registry) -> i64 {
    markers::scan(text)
        .unwrap_or_default()
        .iter()
        .filter(|m| m.kind == Kind::Control)
        .map(|m| match registry.get(m.id) {
            Some(Entry::If { .. } | Entry::Each(_)) => 1,
            Some(Entry::EndIf | Entry::EndEach) => -1,
            _ => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::path::Path;

    #[test]
    fn links_inside_blocks_become_inline_and_the_rest_renumbered() {
        let mut r = Registry::default();
        let subject = r.add(Entry::Value(Path::parse("replacement")));
        let open = markers::encode(
            Kind::Control,
            r.add(Entry::If {
                subject,
                negated: false,
            }),
        );
        let end = markers::encode(Kind::Control, r.add(Entry::EndIf));
        let text = format!(
            "[Logo][1]\n{open}\n[Track it][2]\n{end}\n[Help\ncentre][3]\n\n[1]: https://a\n[2]: https://t\n[3]: https://h\n"
        );
        assert_eq!(
            inline_in_blocks(&text, &r),
            format!(
                "[Logo][1]\n{open}\nTrack it <https://t>\n{end}\n[Help\ncentre][2]\n\n[1]: https://a\n[2]: https://h\n"
            )
        );
    }

    #[test]
    fn text_without_blocks_is_unchanged() {
        let text = "[A][1]\n\n[1]: https://a\n";
        assert_eq!(inline_in_blocks(text, &Registry::default()), text);
    }
}
