//! An email's headers beyond the subject: `From`, `Reply-To` and, for marketing email, the
//! unsubscribe headers (`List-Unsubscribe`, RFC 2369, with `List-Unsubscribe-Post:
//! List-Unsubscribe=One-Click`, RFC 8058). Each comes from the template's front matter, else
//! `letterpress.yaml`, else the brand: [`resolve`] is the one place that decides.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::brand::Brand;
use crate::config::{Config, ListUnsubscribe};
use crate::project::{Category, FrontMatter};

/// The `To` of the bundle's `.eml` files when the fixture gives no `customer.email`: an address
/// of the domain RFC 2606 reserves for examples, so a stray file can never reach anyone.
pub const EXAMPLE_RECIPIENT: &str = "recipient@example.com";

/// A display name and an email address, e.g. `Fernwood Home <orders@fernwood-home.example>`.
///
/// In YAML: that text, a bare address, or `{name: …, address: …}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox(lettre::message::Mailbox);

impl Mailbox {
    /// Parses `Name <address>` or a bare `address`.
    pub fn parse(text: &str) -> Result<Mailbox, String> {
        if text.chars().any(char::is_control) {
            return Err(control_hint(text));
        }
        text.trim()
            .parse::<lettre::message::Mailbox>()
            .map(Mailbox)
            .map_err(|_| mailbox_hint(text))
    }

    /// A mailbox from a display name (may be empty) and an address.
    pub fn new(name: &str, address: &str) -> Result<Mailbox, String> {
        let address = address
            .trim()
            .parse::<lettre::Address>()
            .map_err(|_| mailbox_hint(address))?;
        let name = name.trim();
        if name.chars().any(char::is_control) {
            return Err(control_hint(name));
        }
        let name = (!name.is_empty()).then(|| name.to_string());
        Ok(Mailbox(lettre::message::Mailbox::new(name, address)))
    }

    /// The address alone, `orders@fernwood-home.example`.
    pub fn address(&self) -> &str {
        self.0.email.as_ref()
    }

    /// The domain of the address.
    pub fn domain(&self) -> &str {
        self.0.email.domain()
    }

    /// The mailbox as lettre builds messages with it.
    pub fn as_lettre(&self) -> &lettre::message::Mailbox {
        &self.0
    }
}

fn mailbox_hint(text: &str) -> String {
    format!(
        "{text:?} is not an email address: write `Name <name@example.com>` or just `name@example.com`"
    )
}

fn control_hint(text: &str) -> String {
    format!("{text:?} has a line break or control character: a sender name is one line of text")
}

impl fmt::Display for Mailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Mailbox {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Mailbox {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(MailboxVisitor)
    }
}

struct MailboxVisitor;

impl<'de> Visitor<'de> for MailboxVisitor {
    type Value = Mailbox;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an email address such as `Name <name@example.com>`, or {name, address}")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Mailbox, E> {
        Mailbox::parse(text).map_err(E::custom)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Mailbox, A::Error> {
        let (mut name, mut address) = (String::new(), None::<String>);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "name" => name = map.next_value()?,
                "address" => address = Some(map.next_value()?),
                other => {
                    return Err(de::Error::custom(format!(
                        "unknown key `{other}`: a mailbox has `name` and `address`"
                    )));
                }
            }
        }
        let address = address.ok_or_else(|| de::Error::custom("the mailbox needs an `address`"))?;
        Mailbox::new(&name, &address).map_err(de::Error::custom)
    }
}

/// The headers of one email, as a sender sets them. Serialised with the header names as keys,
/// ready to pass to an email service's API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Headers {
    /// Who the email is from.
    #[serde(rename = "From")]
    pub from: Mailbox,
    /// Where replies go, when not to `from`.
    #[serde(rename = "Reply-To", skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<Mailbox>,
    /// `<https://…>, <mailto:…>` for marketing email, when configured.
    #[serde(rename = "List-Unsubscribe", skip_serializing_if = "Option::is_none")]
    pub list_unsubscribe: Option<String>,
    /// `List-Unsubscribe=One-Click` when an https unsubscribe URL is configured (RFC 8058).
    #[serde(
        rename = "List-Unsubscribe-Post",
        skip_serializing_if = "Option::is_none"
    )]
    pub list_unsubscribe_post: Option<String>,
}

/// The headers of an email of `front`'s template: each value from the front matter, else
/// `letterpress.yaml`; `From` defaults to the brand's name with `company.sender-email` (or
/// `company.support-email` when there is none). Unsubscribe headers only for marketing email.
pub fn resolve(front: &FrontMatter, config: &Config, brand: &Brand) -> Headers {
    let from = front
        .from
        .clone()
        .or_else(|| config.from.clone())
        .unwrap_or_else(|| brand_sender(brand));
    let reply_to = front.reply_to.clone().or_else(|| config.reply_to.clone());
    let unsubscribe = match front.category {
        Category::Marketing => front
            .list_unsubscribe
            .as_ref()
            .or(config.list_unsubscribe.as_ref()),
        Category::Transactional => None,
    };
    Headers {
        from,
        reply_to,
        list_unsubscribe: unsubscribe.map(list_unsubscribe_value),
        list_unsubscribe_post: unsubscribe
            .and_then(|lu| lu.url.as_ref())
            .map(|_| "List-Unsubscribe=One-Click".to_string()),
    }
}

/// The brand's name with its sender address (or its support address).
fn brand_sender(brand: &Brand) -> Mailbox {
    let company = &brand.company;
    let address = company
        .sender_email
        .as_deref()
        .unwrap_or(&company.support_email);
    Mailbox::new(&brand.name, address)
        .or_else(|_| Mailbox::new("", address))
        .unwrap_or_else(|_| Mailbox::new("", EXAMPLE_RECIPIENT).unwrap_or_else(|e| panic!("{e}")))
}

/// `<https://…>, <mailto:…>`: the one-click URL first, as Gmail prefers it.
fn list_unsubscribe_value(lu: &ListUnsubscribe) -> String {
    let mut parts = Vec::new();
    if let Some(url) = &lu.url {
        parts.push(format!("<{url}>"));
    }
    if let Some(mailto) = &lu.mailto {
        let mailto = mailto.strip_prefix("mailto:").unwrap_or(mailto);
        parts.push(format!("<mailto:{mailto}>"));
    }
    parts.join(", ")
}

/// The `To` of an email built from sample data: `customer.email` (with `customer.name`, or
/// `first_name` and `last_name`) when the fixture has a valid one, else the customer's name
/// with [`EXAMPLE_RECIPIENT`].
pub fn example_recipient(data: &Map<String, Value>) -> Mailbox {
    let customer = data.get("customer").and_then(Value::as_object);
    let text = |key: &str| {
        customer
            .and_then(|c| c.get(key))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    let name = match text("name") {
        name if !name.is_empty() => name,
        _ => format!("{} {}", text("first_name"), text("last_name"))
            .trim()
            .to_string(),
    };
    let email = text("email");
    Mailbox::new(&name, &email)
        .or_else(|_| Mailbox::new(&name, EXAMPLE_RECIPIENT))
        .or_else(|_| Mailbox::new("", EXAMPLE_RECIPIENT))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn front(yaml: &str) -> FrontMatter {
        serde_saphyr::from_str(yaml).unwrap()
    }

    fn brand() -> Brand {
        let text = include_str!("../brand/brand.yaml");
        serde_saphyr::from_str(text).unwrap()
    }

    #[test]
    fn mailboxes_parse_from_text_and_from_parts() {
        let m = Mailbox::parse("Fernwood Home <orders@fernwood-home.example>").unwrap();
        assert_eq!(m.address(), "orders@fernwood-home.example");
        assert_eq!(
            m.to_string(),
            "Fernwood Home <orders@fernwood-home.example>"
        );
        let m: Mailbox =
            serde_saphyr::from_str("{name: Şule Yıldız, address: sule@example.com}").unwrap();
        assert_eq!(m.to_string(), "Şule Yıldız <sule@example.com>");
        assert_eq!(m.domain(), "example.com");
        assert!(Mailbox::parse("orders at fernwood").is_err());
    }

    #[test]
    fn a_name_cannot_smuggle_a_header_into_the_message() {
        let evil = "Shop\r\nBcc: victim@example.org";
        let err = Mailbox::new(evil, "shop@example.com").unwrap_err();
        assert!(err.contains("line break"), "{err}");
        assert!(Mailbox::parse(&format!("{evil} <shop@example.com>")).is_err());
        let err = crate::yaml::parse::<FrontMatter>(
            "from: {name: \"Shop\\nBcc: v@example.org\", address: shop@example.com}\n",
            std::path::Path::new("t.mjml"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("t.mjml:1:"), "{err}");
    }

    #[test]
    fn a_bad_address_in_yaml_names_line_and_column() {
        let err = crate::yaml::parse::<FrontMatter>(
            "subject: Hi\nfrom: not an address\n",
            std::path::Path::new("t.mjml"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("t.mjml:2:"), "{err}");
        assert!(err.contains("is not an email address"), "{err}");
    }

    #[test]
    fn front_matter_beats_config_beats_brand() {
        let brand = brand();
        let mut config = Config::default();
        let plain = resolve(&front("subject: x"), &config, &brand);
        assert_eq!(
            plain.from.to_string(),
            "Fernwood Home <orders@fernwood-home.example>"
        );
        assert_eq!(plain.reply_to, None);
        config.from = Some(Mailbox::parse("Shop <shop@example.com>").unwrap());
        config.reply_to = Some(Mailbox::parse("help@example.com").unwrap());
        let configured = resolve(&front("subject: x"), &config, &brand);
        assert_eq!(configured.from.address(), "shop@example.com");
        assert_eq!(configured.reply_to.unwrap().address(), "help@example.com");
        let own = resolve(
            &front("from: News <news@example.com>\nreply-to: editor@example.com"),
            &config,
            &brand,
        );
        assert_eq!(own.from.address(), "news@example.com");
        assert_eq!(own.reply_to.unwrap().address(), "editor@example.com");
    }

    #[test]
    fn only_marketing_email_gets_unsubscribe_headers() {
        let config = Config {
            list_unsubscribe: Some(ListUnsubscribe {
                mailto: Some("mailto:unsub@example.com".into()),
                url: Some("https://example.com/u".into()),
            }),
            ..Config::default()
        };
        let transactional = resolve(&front("category: transactional"), &config, &brand());
        assert_eq!(transactional.list_unsubscribe, None);
        let marketing = resolve(&front("category: marketing"), &config, &brand());
        assert_eq!(
            marketing.list_unsubscribe.as_deref(),
            Some("<https://example.com/u>, <mailto:unsub@example.com>")
        );
        assert_eq!(
            marketing.list_unsubscribe_post.as_deref(),
            Some("List-Unsubscribe=One-Click")
        );
        let mailto_only = resolve(
            &front("category: marketing\nlist-unsubscribe: {mailto: stop@example.com}"),
            &config,
            &brand(),
        );
        assert_eq!(
            mailto_only.list_unsubscribe.as_deref(),
            Some("<mailto:stop@example.com>")
        );
        assert_eq!(
            mailto_only.list_unsubscribe_post, None,
            "one-click needs an https URL"
        );
    }

    #[test]
    fn the_example_recipient_comes_from_the_customer() {
        let data = |json: serde_json::Value| json.as_object().unwrap().clone();
        let named = example_recipient(&data(serde_json::json!({
            "customer": {"first_name": "Emma", "last_name": "Clarke"}
        })));
        assert_eq!(named.to_string(), "Emma Clarke <recipient@example.com>");
        let own = example_recipient(&data(serde_json::json!({
            "customer": {"name": "Tom", "email": "tom@example.org"}
        })));
        assert_eq!(own.to_string(), "Tom <tom@example.org>");
        let bad = example_recipient(&data(serde_json::json!({
            "customer": {"email": "not-an-address"}
        })));
        assert_eq!(bad.to_string(), "recipient@example.com");
        assert_eq!(
            example_recipient(&Map::new()).to_string(),
            "recipient@example.com"
        );
    }
}
