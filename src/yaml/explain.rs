//! YAML errors in a designer's words. serde-saphyr's messages speak to programmers ("cannot
//! deserialize null into string; use Option<String>", "invalid u32", "set DuplicateKeyPolicy in
//! Options"); each kind of error is mapped here to what is wrong and what to do, using the line
//! of the file it points at. A message quotes at most a short value from that line, never a
//! whole line of the file (which may not even be YAML).

use serde_saphyr::Error;

/// Longest value quoted in a message.
const QUOTE_MAX: usize = 30;

/// What went wrong, in one line, for `err` raised while reading `text`.
pub(super) fn explain(err: &Error, text: &str) -> String {
    let err = innermost(err);
    let line = err
        .location()
        .and_then(|l| usize::try_from(l.line()).ok())
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| text.lines().nth(i))
        .unwrap_or("");
    match err {
        Error::NullIntoString { .. } | Error::InvalidCharNull { .. } => empty_value(line),
        Error::InvalidScalar { ty, .. } => wrong_scalar(ty, line),
        Error::InvalidBooleanStrict { .. } => {
            format!("{}expected true or false", key_is(line))
        }
        Error::NonFiniteFloat { .. } => format!("{}expected an ordinary number", key_is(line)),
        Error::SerdeInvalidType {
            unexpected,
            expected,
            ..
        }
        | Error::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => format!(
            "{}expected {}, found {}",
            key_is(line),
            kind_of(expected),
            kind_of(unexpected)
        ),
        Error::SerdeInvalidLength { expected, .. } => {
            format!("{}expected {}", key_is(line), kind_of(expected))
        }
        Error::SerdeUnknownField {
            field, expected, ..
        } => unknown_key(field, expected),
        Error::SerdeUnknownVariant {
            variant, expected, ..
        } => format!(
            "{} is not one of: {}",
            quoted(variant).unwrap_or_else(|| "this value".into()),
            expected.join(", ")
        ),
        Error::SerdeMissingField { field, .. } => {
            format!("the key `{field}` is missing here: add `{field}: …`")
        }
        Error::DuplicateMappingKey { key, location } => duplicate_key(
            key.as_deref(),
            usize::try_from(location.line()).unwrap_or(0),
            text,
        ),
        Error::Eof { .. } => {
            "the file ends too early: a quote or a bracket is opened and never closed".into()
        }
        Error::MultipleDocuments { .. } => {
            "the file holds more than one YAML document (a `---` line after the start): keep one"
                .into()
        }
        Error::UnknownAnchor { .. } => {
            "a `*name` refers to an `&name` that is not defined above it".into()
        }
        Error::Budget { .. }
        | Error::AliasReplayLimitExceeded { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayStackDepthExceeded { .. } => {
            "the file nests too deeply (or repeats &anchors too often) to be read".into()
        }
        Error::Message { msg, .. } => scanner(msg),
        Error::Unexpected { expected, .. } => format!("expected {} here", kind_of(expected)),
        Error::IOError { cause } => format!("cannot be read: {cause}"),
        other => scanner(&other.without_snippet().to_string()),
    }
}

/// The error itself, without the snippet and alias wrappers.
fn innermost(mut err: &Error) -> &Error {
    while let Error::WithSnippet { error, .. } | Error::AliasError { error, .. } = err {
        err = error;
    }
    err
}

/// `key: #ffffff` reads as an empty value followed by a comment.
fn empty_value(line: &str) -> String {
    let after = line.split_once(':').map_or("", |(_, v)| v.trim());
    if let Some(comment) = after.strip_prefix('#') {
        let word: String = comment
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if matches!(word.len(), 3 | 6 | 8) && word.chars().all(|c| c.is_ascii_hexdigit()) {
            return format!(
                "{}the value is empty: quote colours like \"#{word}\" (in YAML # starts a comment)",
                key_is(line)
            );
        }
        return format!(
            "{}the value is empty: in YAML # starts a comment, so quote a value that starts with # (\"#…\")",
            key_is(line)
        );
    }
    format!(
        "{}the value is empty: write one after the colon",
        key_is(line)
    )
}

/// A number or boolean that is not one.
fn wrong_scalar(ty: &str, line: &str) -> String {
    let value = line.split_once(':').map_or("", |(_, v)| v.trim());
    let value = value
        .split(" #")
        .next()
        .unwrap_or(value)
        .trim()
        .trim_matches(['"', '\'']);
    let found = quoted(value)
        .map(|v| format!(" (found {v})"))
        .unwrap_or_default();
    let key = key_is(line);
    match ty {
        "bool" => format!("{key}expected true or false{found}"),
        "f32" | "f64" => format!("{key}expected a number like 1.5{found}"),
        _ => {
            if let Some(number) = value.strip_suffix("px") {
                if number.trim().chars().all(|c| c.is_ascii_digit()) && !number.trim().is_empty() {
                    return format!(
                        "{key}expected a whole number of pixels like {}: write it without `px`",
                        number.trim()
                    );
                }
            }
            if ty.starts_with('u') && value.starts_with('-') {
                return format!("{key}expected a whole number, 0 or more{found}");
            }
            format!("{key}expected a whole number{found}")
        }
    }
}

/// serde's names for kinds of values, in YAML words.
fn kind_of(serde_words: &str) -> String {
    let w = serde_words.trim();
    let lower = w.to_ascii_lowercase();
    let word = if lower.starts_with("struct") || lower.contains("map") {
        "a group of `key: value` lines"
    } else if lower.contains("sequence") || lower.starts_with("a list") || lower.contains("tuple") {
        "a list (`[a, b]`, or lines starting with `- `)"
    } else if lower.starts_with("string") || lower.starts_with("a string") || lower.contains("char")
    {
        "text"
    } else if lower.starts_with("integer")
        || lower.starts_with("floating")
        || lower.starts_with('u')
        || lower.starts_with('i')
        || lower.starts_with('f')
    {
        "a number"
    } else if lower.starts_with("bool") || lower.starts_with("a bool") {
        "true or false"
    } else if lower.contains("unit") || lower.contains("null") || lower.contains("option") {
        "nothing"
    } else if lower.contains("enum") || lower.contains("variant") {
        "one of the allowed words"
    } else {
        "another kind of value"
    };
    word.to_string()
}

/// `the key \`size\`: ` for a `size: …` line, or nothing.
fn key_is(line: &str) -> String {
    let key = line
        .trim_start()
        .trim_start_matches("- ")
        .split_once(':')
        .map(|(k, _)| k.trim().trim_matches(['"', '\'']));
    match key.and_then(quoted) {
        Some(key) => format!("{key}: "),
        None => String::new(),
    }
}

/// `value` in backticks when it is short and plausible to show (a name, a number, a word);
/// `None` for anything long or odd, which is not echoed.
fn quoted(value: &str) -> Option<String> {
    let plausible = !value.is_empty()
        && value.chars().count() <= QUOTE_MAX
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || " -_.#%+,()".contains(c));
    plausible.then(|| format!("`{value}`"))
}

fn unknown_key(field: &str, expected: &[&str]) -> String {
    let known = expected.join(", ");
    let suggestion = expected
        .iter()
        .map(|k| (strsim::levenshtein(field, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
        .map(|(_, k)| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default();
    match quoted(field) {
        Some(field) => format!("unknown key {field}{suggestion}; the keys here are: {known}"),
        None => format!("this key is not one of: {known}"),
    }
}

fn duplicate_key(key: Option<&str>, second: usize, text: &str) -> String {
    let Some(key) = key else {
        return "a key appears twice in the same group: keep one".into();
    };
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let at_second = second.checked_sub(1).and_then(|i| lines.get(i)).copied();
    let first = at_second.and_then(|line2| {
        let level = indent(line2);
        (0..second - 1).rev().find_map(|i| {
            let l = lines[i];
            if l.trim().is_empty() || l.trim_start().starts_with('#') {
                return None;
            }
            let same_key = l
                .trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'));
            (indent(l) == level && same_key).then_some(i + 1)
        })
    });
    let shown = quoted(key).unwrap_or_else(|| "a key".into());
    match first {
        Some(first) => {
            format!("the key {shown} appears twice (lines {first} and {second}): keep one")
        }
        None => format!("the key {shown} appears twice in the same group: keep one"),
    }
}

/// The YAML scanner's messages, for the mistakes people make.
fn scanner(message: &str) -> String {
    let m = message.trim();
    let known: [(&str, &str); 15] = [
        (
            "recursion limit",
            "the file nests too deeply (brackets or indentation) to be read",
        ),
        (
            "mapping values are not allowed",
            "a `:` where YAML does not expect one: put text that contains `: ` in quotes, or check the indentation",
        ),
        (
            "did not find expected key",
            "this line does not line up with the keys around it: check its indentation (spaces, not tabs)",
        ),
        ("unclosed quote", "a quote is opened and never closed"),
        (
            "tab",
            "a tab is used where YAML needs spaces: indent with spaces",
        ),
        ("unclosed bracket", "a `[` or `{` is never closed"),
        (
            "mismatched bracket",
            "a bracket is closed by the wrong kind (`[` needs `]`, `{` needs `}`)",
        ),
        (
            "misplaced bracket",
            "a `]` or `}` without its opening bracket",
        ),
        (
            "unexpected eof",
            "the file ends too early: a quote or a bracket is opened and never closed",
        ),
        (
            "invalid indentation",
            "the indentation does not match the lines above: line up keys of the same group",
        ),
        (
            "block sequence entries are not allowed",
            "a `- ` list item where YAML does not expect one: check the indentation",
        ),
        (
            "unexpected character",
            "a character YAML does not allow here (a control character?): remove it",
        ),
        (
            "did not find expected node content",
            "a value is missing, or starts with a character YAML reserves (@ ` % | >): put it in quotes",
        ),
        (
            "unknown escape character",
            "an unknown `\\` escape inside double quotes: use single quotes, or write `\\\\` for a backslash",
        ),
        (
            "did not find expected ',' or",
            "a list or group in brackets is missing a `,` or its closing bracket",
        ),
    ];
    let lower = m.to_ascii_lowercase();
    for (needle, message) in known {
        if lower.contains(needle) {
            return message.to_string();
        }
    }
    let cleaned: String = m
        .split(" at line ")
        .next()
        .unwrap_or(m)
        .trim_start_matches("error: ")
        .chars()
        .take(120)
        .collect();
    if cleaned.is_empty()
        || cleaned.contains("Option")
        || cleaned.contains("deserializ")
        || cleaned.contains("::")
    {
        "this is not valid here; compare it with the other lines of the file".into()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    #[allow(dead_code)]
    struct Font {
        family: String,
        size: u32,
        #[serde(default)]
        line_height: f32,
        #[serde(default)]
        palette: BTreeMap<String, String>,
    }

    fn message<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
        let options = serde_saphyr::options! { strict_booleans: true };
        let err = serde_saphyr::from_str_with_options::<T>(text, options).unwrap_err();
        explain(&err, text)
    }

    #[test]
    fn an_unquoted_colour_is_explained() {
        assert_eq!(
            message::<Font>("family: Inter\nsize: 16\npalette:\n  on-primary: #ffffff\n"),
            "`on-primary`: the value is empty: quote colours like \"#ffffff\" (in YAML # starts a comment)"
        );
    }

    #[test]
    fn pixels_are_whole_numbers() {
        assert_eq!(
            message::<Font>("family: Inter\nsize: 26px\n"),
            "`size`: expected a whole number of pixels like 26: write it without `px`"
        );
        assert_eq!(
            message::<Font>("family: Inter\nsize: big\n"),
            "`size`: expected a whole number (found `big`)"
        );
    }

    #[test]
    fn duplicate_keys_name_both_lines() {
        assert_eq!(
            message::<Font>("family: Inter\nsize: 16\nfamily: Lora\n"),
            "the key `family` appears twice (lines 1 and 3): keep one"
        );
    }

    #[test]
    fn unknown_keys_suggest_the_closest() {
        assert_eq!(
            message::<Font>("family: Inter\nsize: 16\nline-hieght: 1.5\n"),
            "unknown key `line-hieght` (did you mean `line-height`?); the keys here are: family, size, line-height, palette"
        );
    }

    #[test]
    fn nothing_of_an_unrelated_file_is_echoed() {
        let shadow = "root:$6$Xq1secretHASH$abc:19000:0:99999:7:::\n";
        let text = message::<Font>(shadow);
        assert!(!text.contains("secret"), "{text}");
        assert!(text.starts_with("this key is not one of: family"), "{text}");
        let text = message::<Font>("just some words in a text file\n");
        assert!(!text.contains("just some"), "{text}");
        assert_eq!(text, "expected a group of `key: value` lines here");
    }

    #[test]
    fn no_rust_words_reach_the_designer() {
        for bad in [
            "family: [a, b]\nsize: 1\n",
            "family: Inter\nsize: -3\n",
            "family: Inter\n  size: 3\n",
            "family: 'Inter\n",
            "family: Inter\nsize: 16\nline-height: fast\n",
            "- a\n- b\n",
        ] {
            let text = message::<Font>(bad);
            for word in [
                "Option",
                "u32",
                "f32",
                "deserializ",
                "struct",
                "DuplicateKeyPolicy",
                "String",
            ] {
                assert!(!text.contains(word), "{bad:?} gave {text}");
            }
        }
    }
}
