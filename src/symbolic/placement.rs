//! Where MJML lets a send-time conditional or loop sit. Between blocks of a column, a hero or
//! the body, a block shown or hidden at send time leaves the rest of the layout as it is. Between
//! the columns of a section or group it would not (MJML sizes columns by how many there are),
//! inside mj-wrapper mrml writes it into an Outlook-only comment, and in mj-head it would change
//! styles: those places are refused.

use mrml::mj_body::MjBodyChild;
use mrml::mj_head::MjHeadChild;
use mrml::mjml::Mjml;

use super::markers;

/// Checks every control marker comment of a parsed document; the error names the element.
pub fn check(doc: &Mjml) -> Result<(), String> {
    if let Some(head) = &doc.children.head {
        for child in &head.children {
            if let MjHeadChild::Comment(c) = child {
                if markers::contains(&c.children) {
                    return Err(refused("mj-head"));
                }
            }
        }
    }
    match &doc.children.body {
        Some(body) => walk(&body.children, None),
        None => Ok(()),
    }
}

fn refused(parent: &str) -> String {
    format!(
        "a send-time condition or loop sits directly inside <{parent}>, where MJML computes the layout from its children; put it inside an <mj-column> (around blocks) or inside the content of an mj-text or mj-table"
    )
}

fn walk(children: &[MjBodyChild], parent: Option<&'static str>) -> Result<(), String> {
    for child in children {
        match child {
            MjBodyChild::Comment(c) => {
                if let Some(parent) = parent {
                    if markers::contains(&c.children) {
                        return Err(refused(parent));
                    }
                }
            }
            MjBodyChild::MjSection(s) => walk(&s.children, Some("mj-section"))?,
            MjBodyChild::MjWrapper(w) => walk(&w.children, Some("mj-wrapper"))?,
            MjBodyChild::MjGroup(g) => walk(&g.children, Some("mj-group"))?,
            MjBodyChild::MjColumn(c) => walk(&c.children, None)?,
            MjBodyChild::MjHero(h) => walk(&h.children, None)?,
            _ => {}
        }
    }
    Ok(())
}
