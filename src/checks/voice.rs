//! Voice rules: exclamation marks used sparingly, no shouting in the subject.

use super::{Ctx, Hit};

pub(super) fn check(ctx: &Ctx, hits: &mut Vec<Hit>) {
    let input = ctx.input;
    let at_subject = input.at_line(input.subject_line);
    let bangs = input.subject.matches('!').count();
    if bangs > 1 {
        hits.push(Hit::new(
            "voice.exclamation",
            format!("the subject has {bangs} exclamation marks; use one at most"),
            at_subject.clone(),
        ));
    } else if let Some(part) = [("preheader", input.preheader), ("text", input.text)]
        .into_iter()
        .find(|(_, text)| text.contains("!!"))
        .map(|(part, _)| part)
        .or_else(|| visible_text(ctx).contains("!!").then_some("HTML"))
    {
        let at = if part == "preheader" {
            input.at_line(input.preheader_line)
        } else {
            input.locate("!!")
        };
        hits.push(Hit::new(
            "voice.exclamation",
            format!("`!!` in the {part}; one exclamation mark is plenty"),
            at,
        ));
    }
    if let Some(word) = input
        .subject
        .split(|c: char| !c.is_alphabetic())
        .find(|w| w.chars().count() >= 4 && w.chars().all(char::is_uppercase))
    {
        hits.push(Hit::new(
            "voice.shouting",
            format!("`{word}` in the subject is in capitals; write it in sentence case"),
            at_subject,
        ));
    }
}

/// The body's text, for `!!`.
fn visible_text(ctx: &Ctx) -> String {
    ctx.doc
        .select(super::sel("body"))
        .flat_map(|b| b.text())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestEmail;

    #[test]
    fn one_exclamation_is_fine_two_are_not() {
        let mut email = TestEmail::with_body("<p>Thanks!</p>");
        email.subject = "Your order is on its way!".into();
        assert!(email.rules("voice.").is_empty());
        email.subject = "Your order! It is on its way!".into();
        assert_eq!(email.rules("voice."), ["voice.exclamation"]);
    }

    #[test]
    fn double_exclamation_anywhere_is_flagged() {
        let email = TestEmail::with_body("<p>Thanks!!</p>");
        assert_eq!(email.rules("voice."), ["voice.exclamation"]);
    }

    #[test]
    fn capitals_of_four_letters_shout_three_do_not() {
        let mut email = TestEmail::with_body("<p>x</p>");
        email.subject = "Your UPS parcel, order FH-1234".into();
        assert!(email.rules("voice.").is_empty());
        email.subject = "Your order is FREE".into();
        assert_eq!(email.rules("voice."), ["voice.shouting"]);
    }
}
