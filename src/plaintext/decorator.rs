//! How html2text writes markup in the text part: plain text with numbered link references, and
//! an image as its description — bare inside a link (a linked logo reads `[Fernwood Home][1]`,
//! not `[[Fernwood Home]][1]`), in brackets elsewhere.

use html2text::render::{PlainDecorator, TaggedLine, TextDecorator};

/// [`PlainDecorator`] with images written for email.
#[derive(Debug, Clone)]
pub(super) struct EmailDecorator {
    plain: PlainDecorator,
    /// How many links the renderer is inside.
    links: usize,
}

impl EmailDecorator {
    pub(super) fn new() -> EmailDecorator {
        EmailDecorator {
            plain: PlainDecorator::new(),
            links: 0,
        }
    }
}

impl TextDecorator for EmailDecorator {
    type Annotation = ();

    fn decorate_link_start(&mut self, url: &str) -> (String, ()) {
        self.links += 1;
        self.plain.decorate_link_start(url)
    }

    fn decorate_link_end(&mut self) -> String {
        self.links = self.links.saturating_sub(1);
        self.plain.decorate_link_end()
    }

    fn decorate_em_start(&self) -> (String, ()) {
        self.plain.decorate_em_start()
    }

    fn decorate_em_end(&self) -> String {
        self.plain.decorate_em_end()
    }

    fn decorate_strong_start(&self) -> (String, ()) {
        self.plain.decorate_strong_start()
    }

    fn decorate_strong_end(&self) -> String {
        self.plain.decorate_strong_end()
    }

    fn decorate_strikeout_start(&self) -> (String, ()) {
        self.plain.decorate_strikeout_start()
    }

    fn decorate_strikeout_end(&self) -> String {
        self.plain.decorate_strikeout_end()
    }

    fn decorate_code_start(&self) -> (String, ()) {
        self.plain.decorate_code_start()
    }

    fn decorate_code_end(&self) -> String {
        self.plain.decorate_code_end()
    }

    fn decorate_preformat_first(&self) {}

    fn decorate_preformat_cont(&self) {}

    fn decorate_image(&mut self, src: &str, title: &str) -> (String, ()) {
        if self.links > 0 {
            (title.to_string(), ())
        } else {
            self.plain.decorate_image(src, title)
        }
    }

    fn header_prefix(&self, level: usize) -> String {
        self.plain.header_prefix(level)
    }

    fn quote_prefix(&self) -> String {
        self.plain.quote_prefix()
    }

    fn unordered_item_prefix(&self) -> String {
        self.plain.unordered_item_prefix()
    }

    fn ordered_item_prefix(&self, i: i64) -> String {
        self.plain.ordered_item_prefix(i)
    }

    fn make_subblock_decorator(&self) -> Self {
        self.clone()
    }

    fn finalise(&mut self, urls: Vec<String>) -> Vec<TaggedLine<()>> {
        self.plain.finalise(urls)
    }
}
