//! Content safety: no card numbers, IBANs or secrets from the data in what the reader sees
//! (subject, preheader, the HTML's text and the plaintext, links excepted: a reset link
//! carries a token by design).

use serde_json::Value;

use super::{Ctx, Hit, sel};

/// Key words that mark a data value as secret.
const SECRET_KEYS: [&str; 4] = ["password", "secret", "token", "cvv"];

pub(super) fn check(ctx: &Ctx, hits: &mut Vec<Hit>) {
    let input = ctx.input;
    let text = visible_text(ctx);
    if let Some(card) = card_number(&text) {
        hits.push(Hit::new(
            "safety.card-number",
            format!(
                "`{}` looks like a card number (Luhn-valid, {} digits); show only the last four digits",
                mask(&card),
                card.chars().filter(char::is_ascii_digit).count()
            ),
            input.locate(&card),
        ));
    }
    if let Some(iban) = iban(&text) {
        hits.push(Hit::new(
            "safety.iban",
            format!(
                "`{}` is an IBAN; mask all but the last four characters",
                mask(&iban)
            ),
            input.locate(&iban),
        ));
    }
    let mut secrets = Vec::new();
    secret_values(input.data, "", &mut secrets);
    for (key, value) in secrets {
        if text.contains(&value) {
            hits.push(Hit::new(
                "safety.secret",
                format!(
                    "the value of `{key}` appears in the email's text; never send secrets: send a link that expires instead"
                ),
                input.locate(key.rsplit('.').next().unwrap_or(&key)),
            ));
        }
    }
}

/// Subject, preheader, the body's text nodes and the plaintext with its URLs removed.
fn visible_text(ctx: &Ctx) -> String {
    let input = ctx.input;
    let mut out = format!("{}\n{}\n", input.subject, input.preheader);
    for body in ctx.doc.select(sel("body")) {
        for node in body.descendants() {
            if let Some(t) = node.value().as_text() {
                let in_style = node
                    .parent()
                    .and_then(|p| {
                        p.value()
                            .as_element()
                            .map(|e| matches!(e.name(), "style" | "script"))
                    })
                    .unwrap_or(false);
                if !in_style {
                    out.push_str(t);
                    out.push('\n');
                }
            }
        }
    }
    for line in input.text.lines() {
        let words = line
            .split(' ')
            .filter(|w| !w.contains("://") && !w.starts_with("mailto:"));
        for (i, word) in words.enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(word);
        }
        out.push('\n');
    }
    out
}

fn mask(text: &str) -> String {
    let keep = 4;
    let count = text.chars().filter(|c| c.is_ascii_alphanumeric()).count();
    let mut seen = 0;
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                seen += 1;
                if seen + keep <= count { '•' } else { c }
            } else {
                c
            }
        })
        .collect()
}

/// The first run of 13–19 digits (single spaces or hyphens allowed between groups) that
/// passes the Luhn check, as written.
fn card_number(text: &str) -> Option<String> {
    // Bytes: everything it looks for is ASCII, and a multi-byte character is no digit or
    // letter either way, so runs start and end on character boundaries.
    let chars = text.as_bytes();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_alphanumeric()) {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut digits = Vec::new();
        let mut groups = vec![0usize];
        while j < chars.len() {
            if chars[j].is_ascii_digit() {
                digits.push(u32::from(chars[j] - b'0'));
                if let Some(last) = groups.last_mut() {
                    *last += 1;
                }
                j += 1;
            } else if (chars[j] == b' ' || chars[j] == b'-')
                && chars.get(j + 1).is_some_and(u8::is_ascii_digit)
                && chars.get(j.wrapping_sub(1)).is_some_and(u8::is_ascii_digit)
            {
                groups.push(0);
                j += 1;
            } else {
                break;
            }
        }
        let ends_clean = !chars.get(j).is_some_and(|c| c.is_ascii_alphanumeric());
        // Cards are printed whole or in groups of 3–6 (4-4-4-4, 4-6-5); a number after `+`
        // is a phone number.
        let grouped = groups.len() == 1 || groups.iter().all(|g| (3..=6).contains(g));
        let phone = i > 0 && chars[i - 1] == b'+';
        let card = (13..=19).contains(&digits.len()) && luhn(&digits);
        if ends_clean && grouped && !phone && card {
            return Some(text[i..j].to_string());
        }
        i = j.max(i + 1);
    }
    None
}

/// The Luhn checksum.
pub(crate) fn luhn(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let d2 = d * 2;
                if d2 > 9 { d2 - 9 } else { d2 }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// The first IBAN (country code, check digits, 11–30 more characters, spaces allowed between
/// groups) whose mod-97 check passes, as written.
fn iban(text: &str) -> Option<String> {
    // Bytes, as in `card_number`.
    let chars = text.as_bytes();
    for i in 0..chars.len().saturating_sub(15) {
        let starts = chars[i].is_ascii_uppercase()
            && chars[i + 1].is_ascii_uppercase()
            && chars[i + 2].is_ascii_digit()
            && chars[i + 3].is_ascii_digit()
            && (i == 0 || !chars[i - 1].is_ascii_alphanumeric());
        if !starts {
            continue;
        }
        let mut j = i;
        let mut compact = String::new();
        let mut ends = Vec::new();
        while j < chars.len() && compact.len() < 34 {
            let c = chars[j];
            if c.is_ascii_digit() || c.is_ascii_uppercase() {
                compact.push(char::from(c));
                j += 1;
                ends.push((compact.clone(), j));
            } else if c == b' ' && chars.get(j + 1).is_some_and(|n| n.is_ascii_alphanumeric()) {
                j += 1;
            } else {
                break;
            }
        }
        for (candidate, end) in ends.iter().rev() {
            let boundary = !chars.get(*end).is_some_and(|c| c.is_ascii_alphanumeric());
            if candidate.len() >= 15 && boundary && mod97(candidate) == 1 {
                return Some(text[i..*end].to_string());
            }
        }
    }
    None
}

/// ISO 13616 check: the IBAN rearranged and read as a number, modulo 97 (1 when valid).
pub(crate) fn mod97(iban: &str) -> u32 {
    let rearranged = iban[4..].chars().chain(iban[..4].chars());
    let mut rem = 0u32;
    for c in rearranged {
        let v = c.to_digit(36).unwrap_or(0);
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem
}

/// String and number values under keys that name a secret, with their dotted key path.
fn secret_values(
    data: &serde_json::Map<String, Value>,
    prefix: &str,
    out: &mut Vec<(String, String)>,
) {
    for (key, value) in data {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let lower = key.to_lowercase();
        let secret = SECRET_KEYS.iter().any(|k| lower.contains(k));
        match value {
            Value::Object(map) => secret_values(map, &path, out),
            Value::String(s) if secret && s.trim().chars().count() >= 4 => {
                out.push((path, s.trim().to_string()));
            }
            Value::Number(n) if secret && n.to_string().len() >= 3 => {
                out.push((path, n.to_string()))
            }
            Value::Array(items) => {
                for item in items {
                    if let Value::Object(map) = item {
                        secret_values(map, &path, out);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestEmail;
    use super::*;

    fn rules(body: &str) -> Vec<String> {
        TestEmail::with_body(body).rules("safety.")
    }

    #[test]
    fn numbers_between_non_ascii_letters_are_found_and_quoted_whole() {
        // the scan reads bytes: runs must still start and end on character boundaries
        let card = super::card_number("Kartı №4111 1111 1111 1111 ile ödendi");
        assert_eq!(card.as_deref(), Some("4111 1111 1111 1111"));
        assert_eq!(
            super::card_number("ş4111111111111111"),
            Some("4111111111111111".into())
        );
        let iban = super::iban("Hesabınız:GB82 WEST 1234 5698 7654 32 çıktı");
        assert_eq!(iban.as_deref(), Some("GB82 WEST 1234 5698 7654 32"));
    }

    #[test]
    fn luhn_valid_card_numbers_are_flagged_invalid_ones_not() {
        assert_eq!(
            rules("<p>Card 4111 1111 1111 1111 charged</p>"),
            ["safety.card-number"]
        );
        assert_eq!(
            rules("<p>Card 4111-1111-1111-1111</p>"),
            ["safety.card-number"]
        );
        assert!(rules("<p>Card 4111 1111 1111 1112 charged</p>").is_empty());
        assert!(rules("<p>Card ending 1111, order 104726</p>").is_empty());
        // Luhn-valid digits, but a phone number and loose numbers, not a card
        assert!(rules("<p>Call +4111 1111 1111 1111</p>").is_empty());
        assert!(rules("<p>Items 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1</p>").is_empty());
    }

    #[test]
    fn ibans_with_valid_checksum_are_flagged() {
        assert_eq!(
            rules("<p>Paid to GB82 WEST 1234 5698 7654 32.</p>"),
            ["safety.iban"]
        );
        assert!(rules("<p>Paid to GB82 WEST 1234 5698 7654 33.</p>").is_empty());
        assert_eq!(mod97("DE89370400440532013000"), 1);
    }

    #[test]
    fn secret_fixture_values_in_text_are_flagged_in_links_they_are_not() {
        let mut email = TestEmail::with_body("<p>Your new password is hunter22</p>");
        email.data.insert("new_password".into(), "hunter22".into());
        assert_eq!(email.rules("safety."), ["safety.secret"]);
        let mut ok =
            TestEmail::with_body("<a href=\"https://x.example/reset?t=abc123xyz\">Reset</a>");
        ok.data.insert("reset_token".into(), "abc123xyz".into());
        ok.text = "Reset: https://x.example/reset?t=abc123xyz\n".into();
        assert!(ok.rules("safety.").is_empty());
    }
}
