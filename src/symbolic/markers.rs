//! Placeholder markers: short printable tokens (`⸨r12⸩`, `⸨e12⸩`, `⸨c7⸩`) that stand for
//! send-time data while a template goes through Tera, mrml, css-inline and html2text, and the
//! registry that says what each number means.
//!
//! The brackets are U+2E28 and U+2E29 (double parentheses): printable, so mrml's attribute
//! writer (which prints values with Rust's `{:?}`) leaves them alone; not whitespace, so
//! html2text never wraps inside one; not special in HTML, CSS or URLs.

use std::cell::RefCell;

use super::path::Path;

/// Opens a marker.
pub const OPEN: char = '\u{2E28}';
/// Closes a marker.
pub const CLOSE: char = '\u{2E29}';

/// What a marker's letter says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A value printed as it is (`| safe`, or a plain-text part).
    Raw,
    /// A value Tera would have HTML-escaped.
    Escaped,
    /// A control tag (if, else, each…).
    Control,
}

impl Kind {
    fn letter(self) -> char {
        match self {
            Kind::Raw => 'r',
            Kind::Escaped => 'e',
            Kind::Control => 'c',
        }
    }

    fn from_letter(c: char) -> Option<Kind> {
        match c {
            'r' => Some(Kind::Raw),
            'e' => Some(Kind::Escaped),
            'c' => Some(Kind::Control),
            _ => None,
        }
    }
}

/// The text of a marker.
pub fn encode(kind: Kind, id: usize) -> String {
    format!("{OPEN}{}{id}{CLOSE}", kind.letter())
}

/// Padding inside a marker: makes it as wide as the value it stands for, so the text part is
/// wrapped and its tables laid out as they would be with that value.
pub const PAD: char = 'x';

/// The text of a marker `width` characters wide (at least its own length).
pub fn encode_padded(kind: Kind, id: usize, width: usize) -> String {
    let bare = encode(kind, id);
    let len = bare.chars().count();
    if width <= len {
        return bare;
    }
    let mut out = bare;
    out.pop();
    out.extend(std::iter::repeat_n(PAD, width - len));
    out.push(CLOSE);
    out
}

/// The width of the marker that starts `text` (its padding included): a derived value keeps
/// the width of the value it is computed from.
pub fn width(text: &str) -> usize {
    text.chars().count()
}

/// A marker found in text: where it is and what it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// Byte offset of the opening bracket.
    pub start: usize,
    /// Byte offset just past the closing bracket.
    pub end: usize,
    /// Its kind.
    pub kind: Kind,
    /// Its registry number.
    pub id: usize,
}

/// Every well-formed marker in `text`, in order. A bracket that does not start a well-formed
/// marker is returned as an error with its byte offset: something between Tera and here
/// changed the marker (a filter, an MJML attribute mrml computes with).
pub fn scan(text: &str) -> Result<Vec<Found>, usize> {
    let mut found = Vec::new();
    let mut rest = 0;
    while let Some(i) = text[rest..].find(OPEN) {
        let start = rest + i;
        let body_start = start + OPEN.len_utf8();
        let parsed = text[body_start..].find(CLOSE).and_then(|len| {
            let body = &text[body_start..body_start + len];
            let mut chars = body.chars();
            let kind = chars.next().and_then(Kind::from_letter)?;
            let digits = chars.as_str().trim_end_matches(PAD);
            let id = (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| digits.parse().ok())
                .flatten()?;
            Some((kind, id, body_start + len + CLOSE.len_utf8()))
        });
        let Some((kind, id, end)) = parsed else {
            return Err(start);
        };
        found.push(Found {
            start,
            end,
            kind,
            id,
        });
        rest = end;
    }
    if let Some(i) = text[rest..].find(CLOSE) {
        return Err(rest + i);
    }
    Ok(found)
}

/// Whether `text` holds any marker bracket.
pub fn contains(text: &str) -> bool {
    text.contains(OPEN) || text.contains(CLOSE)
}

/// `text` with every raw value marker turned into an escaped one: what HTML-escaping a
/// marker means (the value will be escaped when it is substituted).
pub fn escaped(text: &str) -> String {
    let raw = format!("{OPEN}r");
    let esc = format!("{OPEN}e");
    text.replace(&raw, &esc)
}

/// What a registry number stands for.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// A send-time value at a path.
    Value(Path),
    /// A value computed at send time by a formatting filter from a send-time value.
    Derived {
        /// The data it is computed from.
        input: Path,
        /// The filter.
        filter: String,
        /// The filter's arguments (never send-time data).
        args: serde_json::Map<String, serde_json::Value>,
    },
    /// `loop.index` (1-based) or `loop.index0` of a loop over send-time data.
    LoopIndex {
        /// The list.
        list: Path,
        /// Whether it counts from zero.
        zero_based: bool,
    },
    /// `loop.first` / `loop.last` of a loop over send-time data (a condition).
    LoopFlag {
        /// The list.
        list: Path,
        /// `true` for `last`, `false` for `first`.
        last: bool,
    },
    /// Opens a conditional on a send-time value.
    If {
        /// The value tested (a [`Entry::Value`] or [`Entry::LoopFlag`] number).
        subject: usize,
        /// `{% if not … %}`.
        negated: bool,
    },
    /// The else part of the innermost open conditional.
    Else,
    /// Ends the innermost open conditional.
    EndIf,
    /// Opens a loop over a send-time list.
    Each(Path),
    /// The part of a loop shown when the list is empty.
    EachElse,
    /// Ends the innermost open loop.
    EndEach,
}

/// Numbers for everything a symbolic render produced.
#[derive(Debug, Default, Clone)]
pub struct Registry {
    entries: Vec<Entry>,
    /// Instrumentation sites: file, line, column and the expression, for messages.
    sites: Vec<Site>,
}

/// A place in a template that the instrumentation rewrote, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// Project-relative file.
    pub file: std::path::PathBuf,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// The expression as the designer wrote it.
    pub expr: String,
}

impl Registry {
    /// Adds an entry (or finds an equal one) and returns its number.
    pub fn add(&mut self, entry: Entry) -> usize {
        // Value, derived and loop entries are shared by every use; tags are not compared.
        let shareable = !matches!(
            entry,
            Entry::If { .. } | Entry::Else | Entry::EndIf | Entry::EachElse | Entry::EndEach
        );
        if shareable {
            if let Some(i) = self.entries.iter().position(|e| *e == entry) {
                return i;
            }
        }
        self.entries.push(entry);
        self.entries.len() - 1
    }

    /// The entry numbered `id`.
    pub fn get(&self, id: usize) -> Option<&Entry> {
        self.entries.get(id)
    }

    /// Records an instrumentation site and returns its number.
    pub fn add_site(&mut self, site: Site) -> usize {
        self.sites.push(site);
        self.sites.len() - 1
    }

    /// The site numbered `id`.
    pub fn site(&self, id: usize) -> Option<&Site> {
        self.sites.get(id)
    }
}

thread_local! {
    static ACTIVE: RefCell<Option<Registry>> = const { RefCell::new(None) };
}

/// Runs `f` with `registry` available to the Tera functions of a symbolic render on this
/// thread, and returns it afterwards with what they added.
pub fn with_registry<T>(registry: Registry, f: impl FnOnce() -> T) -> (T, Registry) {
    ACTIVE.with(|slot| *slot.borrow_mut() = Some(registry));
    let result = f();
    let registry = ACTIVE
        .with(|slot| slot.borrow_mut().take())
        .unwrap_or_default();
    (result, registry)
}

/// Calls `f` on the registry of the symbolic render running on this thread.
pub fn active<T>(f: impl FnOnce(&mut Registry) -> T) -> Option<T> {
    ACTIVE.with(|slot| slot.borrow_mut().as_mut().map(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padded_markers_scan_like_bare_ones() {
        let m = encode_padded(Kind::Raw, 7, 12);
        assert_eq!(m.chars().count(), 12);
        let found = scan(&format!("a{m}b")).unwrap();
        assert_eq!(
            (found[0].kind, found[0].id, found[0].end),
            (Kind::Raw, 7, 1 + m.len())
        );
        assert_eq!(encode_padded(Kind::Raw, 7, 2), encode(Kind::Raw, 7));
    }

    #[test]
    fn markers_round_trip_through_scan() {
        let text = format!("a{}b{}c", encode(Kind::Raw, 3), encode(Kind::Control, 12));
        let found = scan(&text).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].kind, found[0].id), (Kind::Raw, 3));
        assert_eq!((found[1].kind, found[1].id), (Kind::Control, 12));
        assert_eq!(&text[found[1].end..], "c");
    }

    #[test]
    fn a_damaged_marker_is_an_error_with_its_offset() {
        // `| upper` would turn ⸨r3⸩ into ⸨R3⸩
        assert_eq!(scan("ab⸨R3⸩"), Err(2));
        assert_eq!(scan("⸨r⸩"), Err(0));
        assert_eq!(scan("x⸩"), Err(1));
        assert_eq!(scan("⸨r12"), Err(0));
    }

    #[test]
    fn escaping_flips_raw_markers_only() {
        let text = format!("{} {}", encode(Kind::Raw, 1), encode(Kind::Control, 2));
        assert_eq!(
            escaped(&text),
            format!("{} {}", encode(Kind::Escaped, 1), encode(Kind::Control, 2))
        );
    }

    #[test]
    fn values_are_shared_and_tags_are_not() {
        let mut r = Registry::default();
        let a = r.add(Entry::Value(Path::parse("order.number")));
        let b = r.add(Entry::Value(Path::parse("order.number")));
        assert_eq!(a, b);
        let e1 = r.add(Entry::EndIf);
        let e2 = r.add(Entry::EndIf);
        assert_ne!(e1, e2);
    }

    #[test]
    fn mrml_attribute_writer_keeps_markers() {
        // mrml writes attribute values with `{:?}`: the brackets must be printable.
        let marker = encode(Kind::Escaped, 7);
        assert_eq!(format!("{marker:?}"), format!("\"{marker}\""));
    }
}
