//! The page frame and small HTML helpers. maud escapes every interpolated string;
//! `PreEscaped` is used only for markup built here from escaped pieces.

use maud::{DOCTYPE, Markup, PreEscaped, html};

pub const STYLE: &str = include_str!("assets/style.css");
pub const WHATIF_JS: &str = include_str!("assets/whatif.js");

/// The frame around every page: navigation, search box, the page's title.
pub fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — cba" }
                link rel="stylesheet" href="/assets/style.css";
            }
            body {
                header.top {
                    a.brand href="/" { "cba" }
                    a href="/agreement" { "The Agreement" }
                    a href="/rules" { "Rules" }
                    a href="/whatif" { "What if" }
                    a href="/proposals" { "Proposals" }
                    a href="/api/openapi.json" { "API" }
                    form action="/search" method="get" role="search" {
                        input type="search" name="q" placeholder="rule, fact or words" aria-label="search";
                    }
                }
                main { (body) }
            }
        }
    }
}

/// `text` with the byte ranges in `marks` wrapped in `<mark>`, every piece escaped.
pub fn marked(text: &str, marks: &[(usize, usize)]) -> Markup {
    let mut out = String::new();
    let mut at = 0;
    for &(s, e) in marks {
        if s < at || e > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            continue;
        }
        out.push_str(&escape(&text[at..s]));
        out.push_str("<mark>");
        out.push_str(&escape(&text[s..e]));
        out.push_str("</mark>");
        at = e;
    }
    out.push_str(&escape(&text[at..]));
    PreEscaped(out)
}

/// HTML-escapes text (the same set maud escapes).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a query-string component.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_the_only_markup() {
        let t = "a <b> & \"c\" within five days";
        let r = crate::web::text::quote_ranges(t, "five days");
        assert_eq!(
            marked(t, &r).into_string(),
            "a &lt;b&gt; &amp; &quot;c&quot; within <mark>five days</mark>"
        );
        assert_eq!(url_encode("grievance.*&x=1"), "grievance.%2A%26x%3D1");
    }
}
