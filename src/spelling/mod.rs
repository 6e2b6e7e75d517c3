//! Spelling: Hunspell dictionaries (a project's own in `dictionary/`, `$DICPATH`, or the
//! system's, such as Debian's `hunspell-en-gb` and `hunspell-tr`) read with spellbook, plus the
//! project's word list `dictionary/<locale>.txt` for brand, product and place names.
//!
//! Words are checked the way word processors do by default: words in capitals (acronyms such as
//! KDV or DPD), words with digits, single letters, addresses and links are not checked. A
//! hyphenated word passes when it or each of its parts does; a word with an apostrophe passes
//! when it does or the part before the apostrophe does (a Turkish proper noun takes its
//! suffix after an apostrophe: `Bristol'deki`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use icu_locale_core::LanguageIdentifier;

mod files;

/// The folder of a project's own dictionaries and word lists.
pub const PROJECT_DIR: &str = "dictionary";

/// Where Hunspell dictionaries are looked for after the project's `dictionary/` and
/// `$DICPATH`: the usual system folders of Linux distributions and macOS.
const SYSTEM_DIRS: &[&str] = &[
    "/usr/share/hunspell",
    "/usr/share/myspell",
    "/usr/share/myspell/dicts",
    "/usr/local/share/hunspell",
    "/opt/homebrew/share/hunspell",
    "/Library/Spelling",
];

/// A loaded dictionary with the project's words added.
pub struct Speller {
    dictionary: spellbook::Dictionary,
    /// The dictionary's name, e.g. `en_GB`.
    pub name: String,
    /// The `.dic` file it was read from.
    pub file: PathBuf,
    /// Words already checked and whether they passed: every email of a template has the same
    /// static words, and affix rules (Turkish above all) make a check costly.
    checked: Mutex<HashMap<String, bool>>,
    /// Corrections already found: Hunspell's suggestion search costs milliseconds a word, and
    /// a misspelling in a shared footer shows in every email.
    suggested: Mutex<HashMap<String, Vec<String>>>,
}

/// Longest word (in letters) tried with a doubled letter and a vowel changed.
const MAX_VOWEL_CHANGED: usize = 14;

/// Most suggestions a speller remembers; past it, it starts again.
const MAX_SUGGESTIONS_REMEMBERED: usize = 2_000;

/// Most words a speller remembers; past it, it starts again.
const MAX_REMEMBERED: usize = 50_000;

impl std::fmt::Debug for Speller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Speller")
            .field("name", &self.name)
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

/// The modification times of a dictionary's `.aff`, its `.dic` and the project's word list.
type Times = [Option<SystemTime>; 3];

/// A dictionary loaded, or being loaded, once for every thread that asks for it.
type Slot = Arc<OnceLock<Result<Arc<Speller>, String>>>;

/// A slot's `.dic` file (its `.aff` is beside it, of the same name) and the project's word list.
type SlotName = (PathBuf, PathBuf);

/// Loaded dictionaries, one slot per `.dic` file and word list, with the files' times it was
/// loaded at: `watch` reloads the project on every save, and reading a large dictionary
/// (Turkish: 9 MB) takes a few hundred milliseconds. When the files change, the slot is
/// replaced, so an edited word list does not keep the old dictionary too.
static CACHE: Mutex<Option<HashMap<SlotName, (Times, Slot)>>> = Mutex::new(None);

/// Finds and loads the dictionary for locale `code` (spelled as the CLDR locale `cldr`, e.g.
/// `en` as `en-GB`) and adds the words of `dictionary/<code>.txt`. The error says where it
/// looked and what to install. Loaded once per process while the files do not change: a
/// thread that asks while another is loading it waits for that load.
pub fn load(root: &Path, code: &str, cldr: &str) -> Result<Arc<Speller>, String> {
    let names = dictionary_names(cldr);
    let dirs = search_dirs(root);
    let found = dirs.iter().find_map(|dir| {
        names.iter().find_map(|name| {
            let dic = dir.join(format!("{name}.dic"));
            let aff = dir.join(format!("{name}.aff"));
            (dic.is_file() && aff.is_file()).then(|| (name.clone(), aff, dic))
        })
    });
    let Some((name, aff, dic)) = found else {
        let package = names.last().map_or(code.to_string(), |n| {
            n.split('_').next().unwrap_or(n).to_lowercase()
        });
        return Err(format!(
            "no Hunspell dictionary for `{code}` (looked for {} in {}); spelling is not checked: install one (Debian/Ubuntu: apt-get install hunspell-{package}{}) or put {}.aff and {}.dic in {PROJECT_DIR}/",
            names.join(", "),
            dirs.iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            cldr.split_once('-')
                .map_or(String::new(), |(_, region)| format!(
                    " or hunspell-{package}-{}",
                    region.to_lowercase()
                )),
            names[0],
            names[0],
        ));
    };
    let word_list = root.join(PROJECT_DIR).join(format!("{code}.txt"));
    let times: Times =
        [&aff, &dic, &word_list].map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    let slot = CACHE.lock().ok().map(|mut cache| {
        let slots = cache.get_or_insert_with(HashMap::new);
        let (held, slot) = slots
            .entry((dic.clone(), word_list.clone()))
            .or_insert_with(|| (times, Slot::default()));
        if *held != times {
            (*held, *slot) = (times, Slot::default());
        }
        Arc::clone(slot)
    });
    let read = || read_speller(name, &aff, dic.clone(), &word_list);
    let Some(slot) = slot else {
        return read();
    };
    let loaded = slot.get_or_init(read).clone();
    if loaded.is_err() {
        // not kept: the next build tries again, in case what was wrong was mended without
        // changing a modification time (a `chmod`, a copy that keeps the old time)
        if let Ok(mut cache) = CACHE.lock() {
            let name = (dic, word_list);
            let held = cache.as_ref().and_then(|slots| slots.get(&name));
            if held.is_some_and(|(_, held)| Arc::ptr_eq(held, &slot)) {
                cache.as_mut().map(|slots| slots.remove(&name));
            }
        }
    }
    loaded
}

/// Reads the dictionary `aff` + `dic` (called `name`) and the project's `word_list`.
fn read_speller(
    name: String,
    aff: &Path,
    dic: PathBuf,
    word_list: &Path,
) -> Result<Arc<Speller>, String> {
    let read = |path: &Path| {
        std::fs::read(path)
            .map(|bytes| {
                let mut text = String::from_utf8(bytes)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                if text.starts_with('\u{feff}') {
                    text.drain(..'\u{feff}'.len_utf8());
                }
                text
            })
            .map_err(|e| format!("{}: {e}", path.display()))
    };
    let (aff_text, dic_text) = files::for_spellbook(read(aff)?, read(&dic)?);
    let mut dictionary = spellbook::Dictionary::new(&aff_text, &dic_text)
        .map_err(|e| format!("{}: the dictionary could not be read ({e})", dic.display()))?;
    add_word_list(&mut dictionary, word_list)?;
    Ok(Arc::new(Speller {
        dictionary,
        name,
        file: dic,
        checked: Mutex::new(HashMap::new()),
        suggested: Mutex::new(HashMap::new()),
    }))
}

/// `en-GB` → `en_GB`, `en`; `tr` → `tr`, `tr_TR` (the likely region from CLDR).
fn dictionary_names(cldr: &str) -> Vec<String> {
    let Ok(mut id) = cldr.parse::<LanguageIdentifier>() else {
        return vec![cldr.replace('-', "_")];
    };
    let language = id.language.to_string();
    let mut names = Vec::new();
    if let Some(region) = id.region {
        names.push(format!("{language}_{region}"));
    }
    names.push(language.clone());
    if id.region.is_none() {
        icu_locale::LocaleExpander::new_common().maximize(&mut id);
        if let Some(region) = id.region {
            names.push(format!("{language}_{region}"));
        }
    }
    names
}

fn search_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![root.join(PROJECT_DIR)];
    if let Some(paths) = std::env::var_os("DICPATH") {
        dirs.extend(std::env::split_paths(&paths));
    }
    dirs.extend(SYSTEM_DIRS.iter().map(PathBuf::from));
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join("Library/Spelling"));
    }
    dirs
}

/// The project's words, one per line (`#` starts a comment).
fn add_word_list(dictionary: &mut spellbook::Dictionary, file: &Path) -> Result<(), String> {
    let Ok(text) = std::fs::read_to_string(file) else {
        return Ok(());
    };
    for (i, line) in text.lines().enumerate() {
        let word = line.split('#').next().unwrap_or_default().trim();
        if word.is_empty() {
            continue;
        }
        // A word, not a Hunspell entry: a slash is part of it (`km/h`), never flags, which
        // could also bring back compound rules left out at load.
        dictionary.add(&word.replace('/', "\\/")).map_err(|e| {
            format!(
                "{}:{}: `{word}` could not be added ({e}); write one word per line",
                file.display(),
                i + 1
            )
        })?;
    }
    Ok(())
}

/// A speller for the made-up locale `zz` knowing only `words`, written as a Hunspell
/// dictionary into `dir`'s `dictionary/` (tests of the rules and of suggestions).
#[cfg(test)]
pub(crate) fn test_speller(dir: &Path, words: &[&str]) -> Arc<Speller> {
    let folder = dir.join(PROJECT_DIR);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("zz.aff"),
        "SET UTF-8\nTRY esiaénrtolcdugmfphbyvkw\n",
    )
    .unwrap();
    let dic = format!("{}\n{}\n", words.len(), words.join("\n"));
    std::fs::write(folder.join("zz.dic"), dic).unwrap();
    load(dir, "zz", "zz").unwrap()
}

impl Speller {
    /// The words of `words` not spelled correctly, in order: like [`Speller::check`] on each,
    /// with one lock of the remembered answers for all of an email's words.
    pub fn unknown<'w>(&self, words: impl IntoIterator<Item = &'w str>) -> Vec<&'w str> {
        let mut answers: Vec<(&str, Option<bool>)> = match self.checked.lock() {
            Ok(checked) => words
                .into_iter()
                .map(|word| (word, checked.get(word).copied()))
                .collect(),
            Err(_) => words.into_iter().map(|word| (word, None)).collect(),
        };
        for (word, known) in answers.iter_mut().filter(|(_, known)| known.is_none()) {
            *known = Some(self.check(word));
        }
        answers
            .into_iter()
            .filter(|(_, known)| *known == Some(false))
            .map(|(word, _)| word)
            .collect()
    }

    /// Whether `word` is spelled correctly (see the module documentation for what passes).
    pub fn check(&self, word: &str) -> bool {
        if let Some(known) = self.checked.lock().ok().and_then(|c| c.get(word).copied()) {
            return known;
        }
        let passed = self.check_uncached(word);
        if let Ok(mut checked) = self.checked.lock() {
            if checked.len() >= MAX_REMEMBERED {
                checked.clear();
            }
            checked.insert(word.to_string(), passed);
        }
        passed
    }

    fn check_uncached(&self, word: &str) -> bool {
        let word = word.replace('’', "'");
        if self.dictionary.check(&word) {
            return true;
        }
        if let Some((stem, _)) = word.split_once('\'') {
            if !stem.is_empty() && self.check_parts(stem) {
                return true;
            }
        }
        word.contains('-') && self.check_parts(&word)
    }

    fn check_parts(&self, word: &str) -> bool {
        self.dictionary.check(word)
            || (word.contains('-')
                && word
                    .split('-')
                    .filter(|part| part.chars().count() > 1)
                    .all(|part| self.dictionary.check(part)))
    }

    /// Up to three corrections for `word` (the same ones for the whole run: remembered).
    ///
    /// Hunspell's edits (a letter missing, doubled, swapped or wrong, two words run together)
    /// come first. A word no edit corrects is tried with its doubled letters changed, the
    /// commonest misspelling two edits away: two letters doubled or undoubled (`tommorow`:
    /// "tomorrow"; `reccomend`: "recommend"), then one doubled or undoubled and a vowel put in
    /// or changed (`ocurrance`: "occurrence"; `accidently`: "accidentally").
    ///
    /// Hunspell's ngram search, which would also find these, is not run: it reads the whole
    /// word list (35–50 ms a word with `en_US`, far more with `tr_TR`). On 149 common
    /// misspellings it corrected as many as these passes do (138 each, not all the same); for
    /// words that are no misspelling (Latin filler, names) it offered far-fetched words:
    /// `perspiciatis`: "peripateticism"; `eiusmod`: "Asmodeus". See docs/performance.md.
    pub fn suggest(&self, word: &str) -> Vec<String> {
        if let Some(known) = self
            .suggested
            .lock()
            .ok()
            .and_then(|s| s.get(word).cloned())
        {
            return known;
        }
        let mut out = self.edits(word);
        if out.is_empty() {
            out = self.doubling_changed(word);
        }
        out.truncate(3);
        if let Ok(mut suggested) = self.suggested.lock() {
            if suggested.len() >= MAX_SUGGESTIONS_REMEMBERED {
                suggested.clear();
            }
            suggested.insert(word.to_string(), out.clone());
        }
        out
    }

    /// Hunspell's one-edit corrections of `word`, without its ngram search.
    fn edits(&self, word: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.dictionary
            .suggester()
            .with_ngram_suggestions(false)
            .suggest(word, &mut out);
        out
    }

    /// Corrections of `word` with its doubled letters changed: two changes, or one change and
    /// a vowel put in or changed (`ocurrance`: "occurrence"; `accidently`: "accidentally"),
    /// the commonest ways English words go wrong two edits away. Every candidate is one
    /// dictionary lookup: about 0.5 ms a word with `en_US`.
    fn doubling_changed(&self, word: &str) -> Vec<String> {
        let runs = letter_runs(word);
        let mut out: Vec<String> = Vec::new();
        let offer = |out: &mut Vec<String>, candidate: String| {
            if !out.contains(&candidate) && self.dictionary.check(&candidate) {
                out.push(candidate);
            }
        };
        for (i, first) in runs.iter().enumerate() {
            for second in &runs[i + 1..] {
                offer(&mut out, with_doubling_changed(word, &[*first, *second]));
            }
        }
        if !out.is_empty() {
            return out;
        }
        // a long word (Turkish, above all) would cost thousands of lookups, and the misspellings
        // this finds are short (`ocurrance`, `accidently`)
        if word.chars().count() > MAX_VOWEL_CHANGED {
            return out;
        }
        let vowels = vowels_for(word);
        for run in &runs {
            let changed: Vec<char> = with_doubling_changed(word, &[*run]).chars().collect();
            for at in 0..=changed.len() {
                let vowel_here = changed.get(at).filter(|c| vowels.contains(c));
                for &vowel in &vowels {
                    let mut put_in = changed.clone();
                    put_in.insert(at, vowel);
                    offer(&mut out, put_in.into_iter().collect());
                    if vowel_here.is_some_and(|c| *c != vowel) {
                        let mut swapped = changed.clone();
                        swapped[at] = vowel;
                        offer(&mut out, swapped.into_iter().collect());
                    }
                }
            }
        }
        out
    }
}

/// The vowels tried in a correction of `word`: a, e, i, o, u and y, and any other vowel the word
/// itself has (Turkish ı, ö and ü; accented vowels).
fn vowels_for(word: &str) -> Vec<char> {
    let mut vowels: Vec<char> = "aeiouy".chars().collect();
    for c in word.chars().flat_map(char::to_lowercase) {
        if "äöüıåæøœéèêëáàâíìîïóòôúùûý".contains(c) && !vowels.contains(&c)
        {
            vowels.push(c);
        }
    }
    vowels
}

/// A run of one letter in a word, once or twice over: where it starts (a byte offset), the
/// letter, and whether it is doubled. Longer runs are left alone.
#[derive(Clone, Copy)]
struct LetterRun {
    at: usize,
    letter: char,
    doubled: bool,
}

/// The runs of `word`'s letters that can be doubled or undoubled, in order.
fn letter_runs(word: &str) -> Vec<LetterRun> {
    let mut runs = Vec::new();
    let mut chars = word.char_indices().peekable();
    while let Some((at, letter)) = chars.next() {
        let mut length = 1;
        while chars.next_if(|(_, next)| *next == letter).is_some() {
            length += 1;
        }
        if letter.is_alphabetic() && length <= 2 {
            runs.push(LetterRun {
                at,
                letter,
                doubled: length == 2,
            });
        }
    }
    runs
}

/// `word` with each of `runs` (in order, from `letter_runs(word)`) doubled if single and
/// made single if doubled.
fn with_doubling_changed(word: &str, runs: &[LetterRun]) -> String {
    let mut out = String::with_capacity(word.len() + runs.len());
    let mut from = 0;
    for run in runs {
        out.push_str(&word[from..run.at]);
        out.push(run.letter);
        from = run.at + run.letter.len_utf8();
        if !run.doubled {
            out.push(run.letter);
        } else {
            from += run.letter.len_utf8();
        }
    }
    out.push_str(&word[from..]);
    out
}

/// The words of `text` worth checking: letters with inner apostrophes and hyphens; not links,
/// addresses, words with digits, words in capitals or single letters.
pub fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for chunk in text.split_whitespace() {
        // a chunk with a digit has no word worth checking (FH-104726, 4,95)
        let with_digits = chunk.bytes().any(|b| b.is_ascii_digit());
        if with_digits || chunk.contains("://") || chunk.contains('@') || chunk.starts_with("www.")
        {
            continue;
        }
        let mut start = None;
        let mut chars = chunk.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let inner = matches!(c, '\'' | '’' | '-')
                && start.is_some()
                && chars.peek().is_some_and(|(_, n)| n.is_alphabetic());
            if c.is_alphabetic() || is_mark(c) || inner {
                start.get_or_insert(at);
                continue;
            }
            if let Some(s) = start.take() {
                push_word(&chunk[s..at], &mut out);
            }
        }
        if let Some(s) = start {
            push_word(&chunk[s..], &mut out);
        }
    }
    out
}

fn push_word<'a>(word: &'a str, out: &mut Vec<&'a str>) {
    let letters = word.chars().filter(|c| c.is_alphabetic()).take(2).count();
    // An acronym, also with a suffix after an apostrophe (KDV'ye).
    let stem = word.split(['\'', '’']).next().unwrap_or(word);
    let capitals = stem.chars().all(|c| !c.is_lowercase());
    if letters > 1 && !capitals {
        out.push(word);
    }
}

/// Combining marks that belong to a word (decomposed accents).
fn is_mark(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_skip_links_acronyms_digits_and_letters() {
        let text = "Hi Emma, your KDV'ye £4,95 (FH-104726) at https://x.example/a-b or help@x.example; pre-order it, don’t worry. Bristol'deki e-posta x";
        assert_eq!(
            words(text),
            [
                "Hi",
                "Emma",
                "your",
                "at",
                "or",
                "pre-order",
                "it",
                "don’t",
                "worry",
                "Bristol'deki",
                "e-posta"
            ]
        );
    }

    #[test]
    fn a_word_no_edit_corrects_is_tried_with_its_doubled_letters_changed() {
        let dir = tempfile::tempdir().unwrap();
        let words = [
            "first",
            "name",
            "tomorrow",
            "order",
            "occurrence",
            "accidentally",
            "recommend",
        ];
        let speller = test_speller(dir.path(), &words);
        // one edit: Hunspell's answer alone
        assert_eq!(speller.suggest("firstname"), ["first name", "first-name"]);
        assert_eq!(speller.suggest("ordr"), ["order"]);
        assert_eq!(speller.suggest("Ordr"), ["Order"]);
        // two letters undoubled or doubled, whatever the case
        assert_eq!(speller.suggest("tommorow"), ["tomorrow"]);
        assert_eq!(speller.suggest("Tommorow"), ["Tomorrow"]);
        assert_eq!(speller.suggest("reccomend"), ["recommend"]);
        // one doubled or undoubled, and a vowel put in or changed
        assert_eq!(speller.suggest("ocurrance"), ["occurrence"]);
        assert_eq!(speller.suggest("accidently"), ["accidentally"]);
        // nothing near: nothing far-fetched
        assert!(speller.suggest("consectetur").is_empty());
    }

    #[test]
    fn doubling_is_changed_at_the_runs_asked_for() {
        let word = "tommorów";
        let runs = letter_runs(word);
        let letters: String = runs.iter().map(|run| run.letter).collect();
        assert_eq!(letters, "tomorów");
        // mm undoubled, r doubled
        assert_eq!(with_doubling_changed(word, &[runs[2], runs[4]]), "tomorrów");
        // a letter of two bytes doubled, then undoubled
        assert_eq!(with_doubling_changed(word, &[runs[5]]), "tommoróów");
        let doubled = "tommoróów";
        let ó = letter_runs(doubled)[5];
        assert!(ó.doubled && ó.letter == 'ó');
        assert_eq!(with_doubling_changed(doubled, &[ó]), word);
        assert_eq!(
            with_doubling_changed("kooperasyon", &letter_runs("kooperasyon")[1..2]),
            "koperasyon"
        );
    }

    #[test]
    fn dictionary_names_come_from_the_cldr_locale() {
        assert_eq!(dictionary_names("en-GB"), ["en_GB", "en"]);
        assert_eq!(dictionary_names("tr"), ["tr", "tr_TR"]);
        assert_eq!(dictionary_names("en"), ["en", "en_US"]);
    }

    #[test]
    fn a_missing_dictionary_says_what_to_install() {
        let dir = tempfile::tempdir().unwrap();
        let err = load(dir.path(), "xx", "xx-ZZ").unwrap_err();
        assert!(err.contains("no Hunspell dictionary for `xx`"), "{err}");
        assert!(
            err.contains("hunspell-xx") && err.contains("xx_ZZ.aff"),
            "{err}"
        );
    }

    /// A project folder whose `dictionary/` holds `<code>.aff` and `<code>.dic` with these texts.
    fn project_dictionary(code: &str, aff: &str, dic: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let words = dir.path().join(PROJECT_DIR);
        std::fs::create_dir_all(&words).unwrap();
        std::fs::write(words.join(format!("{code}.aff")), aff).unwrap();
        std::fs::write(words.join(format!("{code}.dic")), dic).unwrap();
        (dir, words)
    }

    #[test]
    fn a_project_dictionary_and_word_list_are_used() {
        let (dir, words) = project_dictionary("xx", "SET UTF-8\n", "1\nhello\n");
        std::fs::write(words.join("xx.txt"), "# brand names\nFernwood\nkm/h\n").unwrap();
        let speller = load(dir.path(), "xx", "xx").unwrap();
        assert!(speller.check("hello") && speller.check("Fernwood"));
        assert!(
            speller.check("km/h") && !speller.check("km"),
            "a slash is part of the word"
        );
        assert!(!speller.check("helo"));
        assert!(
            speller.check("Fernwood's"),
            "the part before the apostrophe is a word"
        );
    }

    #[test]
    fn a_dictionary_is_loaded_once_until_its_files_change() {
        let (dir, words) = project_dictionary("yy", "SET UTF-8\n", "1\nhello\n");
        let first = load(dir.path(), "yy", "yy").unwrap();
        let again = load(dir.path(), "yy", "yy").unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        drop(again);
        let list = words.join("yy.txt");
        std::fs::write(&list, "Fernwood\n").unwrap();
        let later = SystemTime::now() + std::time::Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open(&list)
            .unwrap()
            .set_modified(later)
            .unwrap();
        let changed = load(dir.path(), "yy", "yy").unwrap();
        assert!(!Arc::ptr_eq(&first, &changed) && changed.check("Fernwood"));
        // the cache lets the old dictionary go: a `watch` session editing its word list
        // holds one dictionary, not one per save
        assert_eq!(
            Arc::strong_count(&first),
            1,
            "only this test holds the old one"
        );
        assert_eq!(
            Arc::strong_count(&changed),
            2,
            "the cache holds the new one"
        );
    }

    #[test]
    fn a_dictionary_that_failed_to_load_is_tried_again() {
        let (dir, words) = project_dictionary("vv", "SET UTF-8\nFLAG bogus\n", "1\nhello\n");
        let aff = words.join("vv.aff");
        let when = std::fs::metadata(&aff).unwrap().modified().unwrap();
        assert!(load(dir.path(), "vv", "vv").is_err());
        // mended, with the modification time it had (as `cp -p` or a `chmod` would leave it)
        std::fs::write(&aff, "SET UTF-8\n").unwrap();
        let file = std::fs::File::options().write(true).open(&aff).unwrap();
        file.set_modified(when).unwrap();
        let speller = load(dir.path(), "vv", "vv").expect("read again");
        assert!(speller.check("hello"));
    }

    #[test]
    fn threads_asking_at_once_share_one_load() {
        let dic: Vec<String> = (0..20_000).map(|i| format!("word{i}")).collect();
        let dic = format!("20000\n{}\n", dic.join("\n"));
        let (dir, _) = project_dictionary("ww", "SET UTF-8\n", &dic);
        let spellers: Vec<Arc<Speller>> = std::thread::scope(|scope| {
            let asking: Vec<_> = (0..4)
                .map(|_| scope.spawn(|| load(dir.path(), "ww", "ww").unwrap()))
                .collect();
            asking.into_iter().map(|t| t.join().unwrap()).collect()
        });
        assert!(spellers.iter().all(|s| Arc::ptr_eq(s, &spellers[0])));
        assert!(spellers[0].check("word19999"));
    }
}
