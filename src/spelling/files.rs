//! A Hunspell dictionary's two files, adapted for spellbook before it reads them: what
//! Hunspell tolerates and spellbook refuses is mended, and what can never change an answer
//! letterpress asks for, yet costs every lookup of an unknown word, is left out.

/// The `.aff` and `.dic` texts as spellbook should read them (see [`zero_flag_renumbered`] and
/// [`digit_compound_rules_dropped`]).
pub(super) fn for_spellbook(aff: String, dic: String) -> (String, String) {
    let (aff, dic) = zero_flag_renumbered(aff, dic);
    (digit_compound_rules_dropped(aff, &dic), dic)
}

/// Hunspell dictionaries with numeric flags may use flag 0 (Debian's `tr_TR` does), which
/// Hunspell tolerates and spellbook refuses: give it an unused number instead. Other
/// dictionaries pass through as they are; a renumbered one is written into one string (a
/// dictionary has hundreds of thousands of lines: a string per line doubled the memory a
/// build peaked at).
fn zero_flag_renumbered(aff: String, dic: String) -> (String, String) {
    let numeric = aff
        .lines()
        .any(|l| l.split_whitespace().eq(["FLAG", "num"]));
    let uses_zero = aff
        .lines()
        .any(|l| l.starts_with("SFX 0 ") || l.starts_with("PFX 0 "));
    if !numeric || !uses_zero {
        return (aff, dic);
    }
    let unused = (aff
        .lines()
        .filter_map(|l| l.strip_prefix("SFX ").or_else(|| l.strip_prefix("PFX ")))
        .filter_map(|rest| rest.split_whitespace().next()?.parse::<u32>().ok())
        .max()
        .unwrap_or(0)
        + 1)
    .to_string();
    let has_zero = |flags: &str| flags.split(',').any(|flag| flag == "0");
    let renumber = |flags: &str, out: &mut String| {
        for (i, flag) in flags.split(',').enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(if flag == "0" { &unused } else { flag });
        }
    };
    let mut new_aff = String::with_capacity(aff.len() + aff.len() / 16);
    for line in aff.split_inclusive('\n') {
        if !(line.starts_with("SFX ") || line.starts_with("PFX ")) {
            new_aff.push_str(line);
            continue;
        }
        for (i, field) in line.split(' ').enumerate() {
            if i > 0 {
                new_aff.push(' ');
            }
            match (i, field.split_once('/')) {
                (1, _) if field == "0" => new_aff.push_str(&unused),
                (3, Some((affix, flags))) => {
                    new_aff.push_str(affix);
                    new_aff.push('/');
                    let end = flags.find(char::is_whitespace).unwrap_or(flags.len());
                    renumber(&flags[..end], &mut new_aff);
                    new_aff.push_str(&flags[end..]);
                }
                _ => new_aff.push_str(field),
            }
        }
    }
    // Only the lines that use flag 0 change (5,616 of tr_TR's 371,169): the rest are copied in
    // runs, which keeps loading the dictionary about a quarter faster than rewriting each line.
    let mut new_dic = String::with_capacity(dic.len() + dic.len() / 64);
    let (mut copied, mut start) = (0, 0);
    for line in dic.split_inclusive('\n') {
        if let Some((word, rest)) = line.split_once('/') {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let flags = &rest[..end];
            if has_zero(flags) {
                new_dic.push_str(&dic[copied..start]);
                new_dic.push_str(word);
                new_dic.push('/');
                renumber(flags, &mut new_dic);
                new_dic.push_str(&rest[end..]);
                copied = start + line.len();
            }
        }
        start += line.len();
    }
    new_dic.push_str(&dic[copied..]);
    (new_aff, new_dic)
}

/// Debian's English dictionaries (`en_US`, `en_GB`) have compound rules only to make ordinal
/// numbers (`21st`, `112th`) out of entries that are digits. letterpress never checks a word
/// with a digit, yet spellbook tries every word it cannot find, and every candidate of a
/// suggestion, as such a compound: a lookup at each split of the word. That was 61 % of the
/// suggestion search on the official MJML templates.
///
/// The rules are left out when that changes no answer: only entries with a digit carry their
/// flags (no affix adds them, no flag aliases; the project's word list adds words without
/// flags), and no word or candidate of a suggestion can gain a digit (none in `TRY`, `REP`,
/// `MAP`, `KEY`, `IGNORE` or `ICONV`). Any other dictionary, a German or Dutch one that
/// compounds words, passes through as it is.
fn digit_compound_rules_dropped(aff: String, dic: &str) -> String {
    let single_char_flags = aff.lines().all(|line| {
        let mut fields = line.split_whitespace();
        match fields.next() {
            Some("FLAG") => fields.next() == Some("UTF-8"),
            Some("AF") => false,
            _ => true,
        }
    });
    if !single_char_flags {
        return aff;
    }
    let is_rule_line = |line: &str| line.split_whitespace().next() == Some("COMPOUNDRULE");
    // The table's first line is its count; with one-letter flags, every other character of a
    // rule but `*` and `?` is a flag (`(` and `)` too: they only group long and numeric flags).
    let rule_flags: Vec<char> = aff
        .lines()
        .filter(|line| is_rule_line(line))
        .skip(1)
        .filter_map(|line| line.split_whitespace().nth(1))
        .flat_map(str::chars)
        .filter(|c| !matches!(c, '*' | '?'))
        .collect();
    // Flags outside ASCII are rare (FLAG UTF-8): such rules are kept.
    if rule_flags.is_empty() || !rule_flags.iter().all(char::is_ascii) {
        return aff;
    }
    let mut is_rule_flag = [false; 128];
    for flag in &rule_flags {
        is_rule_flag[usize::from(*flag as u8)] = true;
    }
    let has_rule_flag = |flags: &[u8]| any_marked(flags, &is_rule_flag);
    let keeps_answers = aff.lines().all(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            ["TRY" | "KEY" | "IGNORE", text, ..] => !has_digit(text.as_bytes()),
            ["REP" | "MAP" | "ICONV", count] if count.parse::<usize>().is_ok() => true,
            ["REP" | "MAP" | "ICONV", patterns @ ..] => {
                !patterns.iter().any(|p| has_digit(p.as_bytes()))
            }
            ["SFX" | "PFX", _, _, affix, ..] => !affix
                .split_once('/')
                .is_some_and(|(_, flags)| has_rule_flag(flags.as_bytes())),
            _ => true,
        }
    }) && only_words_with_digits_carry(dic, &is_rule_flag);
    if !keeps_answers {
        return aff;
    }
    aff.split_inclusive('\n')
        .filter(|line| !is_rule_line(line))
        .collect()
}

/// Whether every `.dic` entry with one of the flags marked in `flags` has a digit in its word.
///
/// Each `/` is found with memchr and the few bytes after it read as flags; only a line where
/// they hold a marked flag is read whole, as spellbook reads it: the word ends at the first `/`
/// that is neither escaped (`\\/`) nor first, or at a tab (no flags), and the flags end at
/// whitespace. (A pass over every byte took 3.5 ms for `en_US`, on every run; this takes
/// a fraction of that.)
fn only_words_with_digits_carry(dic: &str, flags: &[bool; 128]) -> bool {
    let bytes = dic.as_bytes();
    let body = memchr::memchr(b'\n', bytes).map_or(bytes.len(), |i| i + 1);
    memchr::memchr_iter(b'/', &bytes[body..]).all(|at| {
        let after = &bytes[body + at + 1..];
        if !any_marked(up_to_space(after), flags) {
            return true;
        }
        let start = memchr::memrchr(b'\n', &bytes[..body + at]).map_or(0, |i| i + 1);
        let stop = memchr::memchr(b'\n', after).map_or(bytes.len(), |i| body + at + 1 + i);
        let (word, line_flags) = entry(&bytes[start..stop]);
        !any_marked(line_flags, flags) || has_digit(word)
    })
}

/// Whether any byte of `flags` is marked in `marked` (one entry per ASCII flag).
fn any_marked(flags: &[u8], marked: &[bool; 128]) -> bool {
    flags
        .iter()
        .any(|&b| marked.get(usize::from(b)).copied().unwrap_or(false))
}

/// Whether `text` has an ASCII digit (letterpress checks no such word).
fn has_digit(text: &[u8]) -> bool {
    text.iter().any(u8::is_ascii_digit)
}

/// A `.dic` line's word and flags, as spellbook splits them: the word ends at the first `/`
/// that is neither escaped (`\\/`) nor first, or at a tab (then it has no flags); the flags
/// end at whitespace.
fn entry(line: &[u8]) -> (&[u8], &[u8]) {
    for (i, &b) in line.iter().enumerate() {
        match b {
            b'\t' => return (&line[..i], &[]),
            b'/' if i > 0 && line[i - 1] != b'\\' => {
                return (&line[..i], up_to_space(&line[i + 1..]));
            }
            _ => {}
        }
    }
    (line, &[])
}

/// `bytes` up to their first whitespace: the flags after a `/`.
fn up_to_space(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .position(u8::is_ascii_whitespace)
        .unwrap_or(bytes.len());
    &bytes[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_flag_gets_an_unused_number() {
        let aff = "SET UTF-8\nFLAG num\n\nSFX 0 N 1\nSFX 0 0 a .\n\nSFX 1 N 1\nSFX 1 0 sı/0,1 .\n";
        let dic = "3\nab/0,2\nev/1,0\tpo:noun\nel/10,20\r\nat/0\n";
        let (aff, dic) = zero_flag_renumbered(aff.to_string(), dic.to_string());
        assert!(
            aff.contains("SFX 2 N 1\nSFX 2 0 a .") && aff.contains("SFX 1 0 sı/2,1 ."),
            "{aff}"
        );
        assert_eq!(dic, "3\nab/2,2\nev/1,2\tpo:noun\nel/10,20\r\nat/2\n");
        let dictionary = spellbook::Dictionary::new(&aff, &dic);
        assert!(dictionary.is_ok(), "{:?}", dictionary.err());
    }

    /// spellbook's edits for `word` (what [`crate::spelling::Speller::suggest`] asks first).
    fn edits(dictionary: &spellbook::Dictionary, word: &str) -> Vec<String> {
        let mut out = Vec::new();
        dictionary
            .suggester()
            .with_ngram_suggestions(false)
            .suggest(word, &mut out);
        out
    }

    /// Both dictionaries accept and correct each of `words` alike.
    fn assert_same_answers(
        before: &spellbook::Dictionary,
        after: &spellbook::Dictionary,
        words: &[&str],
        name: &str,
    ) {
        for word in words {
            assert_eq!(before.check(word), after.check(word), "{name}: {word}");
            assert_eq!(edits(before, word), edits(after, word), "{name}: {word}");
        }
    }

    /// An English-like dictionary: ordinals compounded from digit entries, as in `en_US`.
    const ORDINALS_AFF: &str = "SET UTF-8\nTRY esianrtolcdugmphbyfvkw\nREP 1\nREP f ph\nCOMPOUNDMIN 1\nONLYINCOMPOUND c\nCOMPOUNDRULE 2\nCOMPOUNDRULE n*1t\nCOMPOUNDRULE n*mp\nSFX S Y 1\nSFX S 0 s .\n";
    const ORDINALS_DIC: &str = "8\n0/nm\n1/n1\n1st/p\n1th/tc\n2/nm\n2nd/p\n2th/tc\nphone/S\n";

    #[test]
    fn ordinal_compound_rules_are_left_out_and_no_answer_changes() {
        let (aff, dic) = for_spellbook(ORDINALS_AFF.to_string(), ORDINALS_DIC.to_string());
        assert!(!aff.contains("COMPOUNDRULE"), "{aff}");
        assert!(
            aff.contains("COMPOUNDMIN 1\nONLYINCOMPOUND c\nSFX S Y 1"),
            "{aff}"
        );
        let before = spellbook::Dictionary::new(ORDINALS_AFF, ORDINALS_DIC).unwrap();
        let after = spellbook::Dictionary::new(&aff, &dic).unwrap();
        // the rules made these, and letterpress never asks about a word with a digit
        assert!(before.check("21st"), "21st");
        assert!(before.check("112th"), "112th");
        assert!(!after.check("21st"), "the rules are gone");
        let words = [
            "phone", "phones", "fone", "fones", "phonest", "ph", "Phone", "phoen", "phonne",
        ];
        assert_same_answers(&before, &after, &words, "ordinals");
        assert_eq!(edits(&after, "phoen"), ["phone"]);
    }

    #[test]
    fn compound_rules_a_word_without_digits_can_use_are_kept() {
        let kept = |aff: &str, dic: &str| digit_compound_rules_dropped(aff.to_string(), dic) == aff;
        let dropped = |aff: &str, dic: &str| !kept(aff, dic);
        let rules = "SET UTF-8\nCOMPOUNDRULE 1\nCOMPOUNDRULE n*m\n";
        assert!(dropped(rules, "2\n1/n\n2/m\n"));
        // a word of letters carries a rule's flag: the rules make real words
        assert!(kept(rules, "2\nfoot/n\nball/m\n"));
        // an affix adds a rule's flag (an affix row without its condition too)
        assert!(kept(
            &format!("{rules}SFX S Y 1\nSFX S 0 s/m .\n"),
            "1\n1/nS\n"
        ));
        assert!(kept(
            &format!("{rules}SFX S Y 1\nSFX S 0 s/m\n"),
            "1\n1/nS\n"
        ));
        // a suggestion or a conversion could put a digit in
        for line in [
            "TRY ae1",
            "KEY qwe|123",
            "REP 1\nREP one 1",
            "MAP 1\nMAP 1l",
            "ICONV 1\nICONV ⅰ 1",
            "IGNORE 0",
        ] {
            assert!(kept(&format!("{rules}{line}\n"), "1\n1/nm\n"), "{line}");
        }
        assert!(dropped(
            &format!("{rules}REP 1\nREP f ph\nICONV 1\nICONV ’ '\n"),
            "1\n1/nm\n"
        ));
        // every character of a rule but `*` and `?` is a flag, even brackets and digits
        assert!(kept(
            "SET UTF-8\nCOMPOUNDRULE 1\nCOMPOUNDRULE x?(*)\n",
            "3\n1/x\nfoot/(\nball/)\n"
        ));
        assert!(kept(
            "SET UTF-8\nCOMPOUNDRULE 1\nCOMPOUNDRULE 12\n",
            "2\nfoot/1\nball/2\n"
        ));
        // one-letter flags as UTF-8 are read; two letters, numbers or aliases are not: kept
        assert!(dropped(&format!("FLAG UTF-8\n{rules}"), "2\n1/n\n2/m\n"));
        assert!(kept(
            "SET UTF-8\nFLAG long\nCOMPOUNDRULE 1\nCOMPOUNDRULE (nn)*(mm)\n",
            "1\n1/nnmm\n"
        ));
        assert!(kept(&format!("AF 1\nAF nm\n{rules}"), "1\n1/1\n"));
    }

    /// Debian's `en_US` and `en_GB` (installed by `.ci/run`): the rules go, and common
    /// misspellings, names and words get the same answers and suggestions as before.
    #[test]
    fn debian_english_dictionaries_lose_only_their_ordinal_rules() {
        let words = [
            "recieve",
            "seperate",
            "adress",
            "ordr",
            "definately",
            "occured",
            "untill",
            "wich",
            "Febuary",
            "accomodate",
            "Mailjet",
            "Nutella",
            "firstname",
            "colour",
            "color",
            "pre-order",
            "don't",
            "Thursday",
            "thursday",
            "centre",
            "tomorow",
        ];
        for name in ["en_US", "en_GB"] {
            let read = |ext: &str| {
                let file = format!("/usr/share/hunspell/{name}.{ext}");
                std::fs::read_to_string(&file).unwrap_or_else(|e| {
                    panic!("{file}: {e} (apt-get install hunspell-en-us hunspell-en-gb)")
                })
            };
            let (aff, dic) = (read("aff"), read("dic"));
            let (new_aff, new_dic) = for_spellbook(aff.clone(), dic.clone());
            let without_rules: String = aff
                .split_inclusive('\n')
                .filter(|line| !line.starts_with("COMPOUNDRULE"))
                .collect();
            assert!(
                new_aff == without_rules && new_dic == dic,
                "{name}: only the rules go"
            );
            assert!(
                aff.contains("COMPOUNDRULE") && !new_aff.contains("COMPOUNDRULE"),
                "{name}"
            );
            let before = spellbook::Dictionary::new(&aff, &dic).unwrap();
            let after = spellbook::Dictionary::new(&new_aff, &new_dic).unwrap();
            assert_same_answers(&before, &after, &words, name);
        }
    }

    #[test]
    fn entries_are_read_as_spellbook_reads_them() {
        let mut flags = [false; 128];
        flags[usize::from(b'n')] = true;
        let carry = |dic: &str| only_words_with_digits_carry(dic, &flags);
        assert!(carry("3\n1/n\nnone/S\nname\n"));
        assert!(!carry("1\nten/n\n"));
        assert!(!carry("1\nten/Sn po:noun\r\n"));
        // an escaped slash is part of the word; a line starting with a slash, which spellbook
        // skips, is read as a word: the rules are kept, the safe way to be wrong
        assert!(!carry("1\nkm\\/h/n\n"));
        assert!(carry("1\nkm\\/1h/n\n"));
        assert!(!carry("1\n/etc/n\n"));
        // a tab or a space ends the flags; after a tab there are none
        assert!(carry("2\nten\tpo:n/n\nten/S n\n"));
        // the digit of one line does not count for the next
        assert!(!carry("2\n1/S\nten/n"));
    }
}
