//! A small scanner for the start tags of the MJML source (the Tera output mrml parsed). MJML is
//! XML-like, but not HTML: an HTML parser would drop `<tr>` inside `<mj-table>`, so the rules
//! that look at what the author wrote read the tags with this instead.

/// A start tag: its name (lowercase) and attributes in order.
#[derive(Debug, Clone)]
pub(crate) struct Tag {
    /// Element name, lowercase.
    pub name: String,
    /// Attributes, names lowercase; `None` for a bare attribute.
    pub attrs: Vec<(String, Option<String>)>,
    /// Byte offset of the `<` in the source.
    pub offset: usize,
}

impl Tag {
    /// An attribute's value.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_deref().unwrap_or(""))
    }
}

/// Every start tag of `source`, skipping comments, closing tags and declarations.
pub(crate) fn tags(source: &str) -> Vec<Tag> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(rel) = source[i..].find('<') {
        let start = i + rel;
        let rest = &source[start..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(source.len(), |e| start + e + 3);
            continue;
        }
        if rest.starts_with("<![CDATA[") {
            i = rest.find("]]>").map_or(source.len(), |e| start + e + 3);
            continue;
        }
        let mut j = start + 1;
        let name_start = j;
        while j < bytes.len()
            && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'-' || bytes[j] == b':')
        {
            j += 1;
        }
        if j == name_start {
            i = start + 1;
            continue;
        }
        let name = source[name_start..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] == b'>' || bytes[j] == b'/' {
                break;
            }
            let a = j;
            while j < bytes.len() && !bytes[j].is_ascii_whitespace() && !b"=>/".contains(&bytes[j])
            {
                j += 1;
            }
            let attr = source[a..j].to_ascii_lowercase();
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            let mut value = None;
            if j < bytes.len() && bytes[j] == b'=' {
                j += 1;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j < bytes.len() && (bytes[j] == b'"' || bytes[j] == b'\'') {
                    let quote = bytes[j];
                    let v = j + 1;
                    j = source[v..]
                        .bytes()
                        .position(|b| b == quote)
                        .map_or(source.len(), |e| v + e);
                    value = Some(source[v..j].to_string());
                    j = (j + 1).min(source.len());
                } else {
                    let v = j;
                    while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                        j += 1;
                    }
                    value = Some(source[v..j].to_string());
                }
            }
            if attr.is_empty() {
                j += 1;
                continue;
            }
            attrs.push((attr, value));
        }
        out.push(Tag {
            name,
            attrs,
            offset: start,
        });
        i = j.max(start + 1).min(source.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_and_attributes_and_skips_comments() {
        let found = tags(
            "<mjml><!-- <mj-x> --><mj-text align='center' css-class=x  padding = \"1px 2px\">a<br/></mj-text>",
        );
        let names: Vec<_> = found.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["mjml", "mj-text", "br"]);
        assert_eq!(found[1].attr("align"), Some("center"));
        assert_eq!(found[1].attr("css-class"), Some("x"));
        assert_eq!(found[1].attr("padding"), Some("1px 2px"));
    }
}
