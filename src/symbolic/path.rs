//! Paths into send-time data: `order.number`, `order.items[].name` (`[]` stands for "each
//! element of this list", so one path names a field of every item).

use std::fmt;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Seg {
    /// A key of a mapping.
    Key(String),
    /// Each element of a list.
    Each,
}

/// A path from the root of the data.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Path(pub Vec<Seg>);

impl Path {
    /// Parses the printed form (`a.b[].c`). Keys are the identifiers Tera accepts after a dot.
    pub fn parse(text: &str) -> Path {
        let mut segs = Vec::new();
        for part in text.split('.').filter(|p| !p.is_empty()) {
            let key = part.trim_end_matches("[]");
            if !key.is_empty() {
                segs.push(Seg::Key(key.to_string()));
            }
            for _ in 0..(part.len() - key.len()) / 2 {
                segs.push(Seg::Each);
            }
        }
        Path(segs)
    }

    /// This path followed by `seg`.
    pub fn child(&self, seg: Seg) -> Path {
        let mut segs = self.0.clone();
        segs.push(seg);
        Path(segs)
    }

    /// The list this path is an element of, when it ends in `[]`.
    pub fn list(&self) -> Option<Path> {
        match self.0.last() {
            Some(Seg::Each) => Some(Path(self.0[..self.0.len() - 1].to_vec())),
            _ => None,
        }
    }

    /// The innermost list this path lies under (`order.items[].name` → `order.items`).
    pub fn enclosing_list(&self) -> Option<Path> {
        let i = self.0.iter().rposition(|s| *s == Seg::Each)?;
        Some(Path(self.0[..i].to_vec()))
    }

    /// Whether `self` starts with every step of `prefix`.
    pub fn starts_with(&self, prefix: &Path) -> bool {
        self.0.len() >= prefix.0.len() && self.0[..prefix.0.len()] == prefix.0[..]
    }

    /// The steps after `prefix` (which `self` must start with).
    pub fn after(&self, prefix: &Path) -> &[Seg] {
        &self.0[prefix.0.len().min(self.0.len())..]
    }

    /// The keys only, joined by dots (for messages and generated names).
    pub fn keys(&self) -> Vec<&str> {
        self.0
            .iter()
            .filter_map(|s| match s {
                Seg::Key(k) => Some(k.as_str()),
                Seg::Each => None,
            })
            .collect()
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for seg in &self.0 {
            match seg {
                Seg::Key(k) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Seg::Each => f.write_str("[]")?,
            }
            first = false;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_print_round_trip() {
        for text in ["order.number", "order.items[].name", "lines[]", "a[][].b"] {
            assert_eq!(Path::parse(text).to_string(), text);
        }
    }

    #[test]
    fn lists_of_a_path() {
        let p = Path::parse("order.items[].options[].label");
        assert_eq!(
            p.enclosing_list().unwrap().to_string(),
            "order.items[].options"
        );
        assert_eq!(
            Path::parse("order.items[]").list().unwrap().to_string(),
            "order.items"
        );
        assert!(Path::parse("order.items").list().is_none());
        assert!(p.starts_with(&Path::parse("order.items[]")));
        assert!(!p.starts_with(&Path::parse("order.item")));
    }
}
