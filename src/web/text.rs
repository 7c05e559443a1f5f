//! The Agreement's text, read into articles and blocks with citation paths, so
//! the literate page can anchor each section and paragraph and put beside it
//! the rules that cite it. The paths are those of `cba outline` (`6`, `6.A`,
//! `6.A.1`, `3 sub 5`, `3 sub 5.C`, `A`), read from the same headings.

use std::collections::BTreeMap;

/// The text shipped with the repository (the same file the outline was generated from).
pub const EMBEDDED: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/contracts/text/national-agreement-2013.txt"
));

/// One block of an article: a heading or a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub heading: bool,
    /// The citation path of the part this block belongs to (`""` for the article's preamble).
    pub path: String,
    /// The anchor id when this block opens its part (`art10-6.A`).
    pub id: Option<String>,
    pub text: String,
    /// How deep the part is: 0 article, 1 section, 2 paragraph A, 3 item 1, 4 item a.
    pub depth: u8,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub number: u32,
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Agreement {
    pub articles: Vec<Article>,
    /// Article number → index in `articles`.
    index: BTreeMap<u32, usize>,
}

/// The anchor id of a part of an article: `art10`, `art10-6.A`, `art18-3_sub_5.C`.
pub fn anchor(article: u32, path: &str) -> String {
    if path.is_empty() {
        format!("art{article}")
    } else {
        format!("art{article}-{}", path.replace(' ', "_"))
    }
}

impl Agreement {
    pub fn article(&self, n: u32) -> Option<&Article> {
        self.index.get(&n).map(|&i| &self.articles[i])
    }

    /// The anchor of the nearest part the text has for a cited path: `8.C` itself, or
    /// `8` when the text has no paragraph C, or the article.
    pub fn resolve(&self, article: u32, path: &str) -> Option<String> {
        self.resolve_path(article, path).map(|p| anchor(article, &p))
    }

    /// The path of the nearest part the text has for a cited path.
    pub fn resolve_path(&self, article: u32, path: &str) -> Option<String> {
        let a = self.article(article)?;
        let mut p = path.trim().to_string();
        loop {
            if p.is_empty() || a.blocks.iter().any(|b| b.id.is_some() && b.path == p) {
                return Some(p);
            }
            p = match p.rfind(['.']) {
                Some(i) => p[..i].to_string(),
                None => match p.find(" sub ") {
                    Some(i) => p[..i].to_string(),
                    None => String::new(),
                },
            };
        }
    }

    /// Reads the Agreement's text: `ARTICLE N` headings (page headers repeating the
    /// article are dropped and the paragraph they split is joined), `Section N`,
    /// `Subsection N`, `Sidebar`, and `A.`, `1.`, `a.` paragraph markers.
    pub fn parse(text: &str) -> Agreement {
        let mut titles: BTreeMap<u32, String> = BTreeMap::new();
        for l in text.lines() {
            if let Some(rest) = l.strip_prefix("Article ")
                && let Some((n, t)) = rest.split_once(' ')
                && let Ok(n) = n.parse::<u32>()
                && l.contains('\t')
            {
                let title = t.rsplit_once('\t').map_or(t, |x| x.0).trim();
                titles.entry(n).or_insert_with(|| title.to_string());
            }
        }
        let mut out = Agreement::default();
        let mut cur: Option<Article> = None;
        let mut section: Option<String> = None;
        let mut letter: Option<String> = None;
        let mut number: Option<String> = None;
        // After an article heading its upper-case title lines are skipped; after a
        // page header the next paragraph may continue the previous one.
        let mut in_title = false;
        let mut after_page_header = false;
        for raw in text.lines() {
            let line = raw.trim_end();
            let t = line.trim_start();
            if let Some(n) = article_heading(t) {
                if cur.as_ref().is_some_and(|a| a.number == n) {
                    after_page_header = true;
                    continue;
                }
                if cur.as_ref().is_none_or(|a| n > a.number) {
                    if let Some(a) = cur.take() {
                        out.push(a);
                    }
                    cur = Some(Article {
                        number: n,
                        title: titles.get(&n).cloned().unwrap_or_default(),
                        blocks: Vec::new(),
                    });
                    section = None;
                    letter = None;
                    number = None;
                    in_title = true;
                    continue;
                }
            }
            let Some(art) = cur.as_mut() else { continue };
            if t.is_empty() {
                continue;
            }
            if in_title && t.chars().any(char::is_alphabetic) && !t.chars().any(char::is_lowercase) {
                continue;
            }
            in_title = false;
            // The certificate after the last article is not part of the Agreement.
            if t == "CERTIFICATE OF NONDISCLOSURE" {
                break;
            }
            let joins = std::mem::take(&mut after_page_header);
            if t == "Sidebar" {
                art.open("sidebar", 1, true, t);
                continue;
            }
            if let Some(n) = heading_number(t, "Section") {
                let sec = n.to_string();
                art.open(&sec, 1, true, t);
                section = Some(sec);
                letter = None;
                number = None;
                continue;
            }
            if let Some(n) = heading_number(t, "Subsection") {
                let base = section
                    .as_deref()
                    .unwrap_or("")
                    .split(" sub ")
                    .next()
                    .unwrap_or("")
                    .to_string();
                let sub = if base.is_empty() {
                    format!("sub {n}")
                } else {
                    format!("{base} sub {n}")
                };
                art.open(&sub, 1, true, t);
                section = Some(sub);
                letter = None;
                number = None;
                continue;
            }
            let body = t.strip_prefix("- ").unwrap_or(t);
            let marker = body.split_once(". ").map(|(m, _)| m).unwrap_or("");
            let join = |parts: &[&Option<String>], last: &str| -> String {
                let mut xs: Vec<&str> = parts.iter().filter_map(|p| p.as_deref()).collect();
                xs.push(last);
                xs.join(".")
            };
            if marker.len() == 1 && marker.chars().all(|c| c.is_ascii_uppercase()) {
                let p = join(&[&section], marker);
                art.open(&p, 2, false, body);
                letter = Some(marker.to_string());
                number = None;
            } else if !marker.is_empty() && marker.len() <= 2 && marker.chars().all(|c| c.is_ascii_digit()) {
                let p = join(&[&section, &letter], marker);
                art.open(&p, 3, false, body);
                number = Some(marker.to_string());
            } else if marker.len() == 1 && marker.chars().all(|c| c.is_ascii_lowercase()) {
                let p = join(&[&section, &letter, &number], marker);
                art.open(&p, 4, false, body);
            } else {
                // A paragraph without a marker belongs to the part open before it; a
                // paragraph a page header cut in two is joined again.
                if joins
                    && let Some(last) = art.blocks.last_mut()
                    && !last.heading
                    && !last.text.ends_with(['.', ':', ';', '?', '!'])
                {
                    last.text.push(' ');
                    last.text.push_str(body);
                    continue;
                }
                let (path, depth) = art
                    .blocks
                    .last()
                    .map_or((String::new(), 0), |b| (b.path.clone(), b.depth.max(1)));
                art.blocks.push(Block {
                    heading: false,
                    path,
                    id: None,
                    text: body.to_string(),
                    depth,
                });
            }
        }
        if let Some(a) = cur.take() {
            out.push(a);
        }
        out
    }

    fn push(&mut self, a: Article) {
        self.index.insert(a.number, self.articles.len());
        self.articles.push(a);
    }
}

impl Article {
    /// Starts a part; only its first block carries the anchor.
    fn open(&mut self, path: &str, depth: u8, heading: bool, text: &str) {
        let taken = self.blocks.iter().any(|b| b.id.is_some() && b.path == path);
        self.blocks.push(Block {
            heading,
            path: path.to_string(),
            id: (!taken).then(|| anchor(self.number, path)),
            text: text.to_string(),
            depth,
        });
    }
}

/// `ARTICLE 10` → 10 (`ARTICLE 20 - APPENDIX A` is not a new article).
fn article_heading(t: &str) -> Option<u32> {
    t.strip_prefix("ARTICLE ")?.trim().parse().ok()
}

/// `Section 6`, `Section 6 - Title`, `Section 6. Title` → 6.
fn heading_number(line: &str, word: &str) -> Option<u32> {
    if line.len() > 100 {
        return None;
    }
    let rest = line.strip_prefix(word)?.trim_start();
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let after = &rest[digits.len()..];
    if digits.is_empty() || !(after.is_empty() || after.starts_with([' ', '.', '-', '–', ':'])) {
        return None;
    }
    digits.parse().ok()
}

/// The byte ranges of `text` where the pieces of a quote occur (a quote may elide
/// with `…` or `...`); whitespace runs in the quote match any whitespace.
pub fn quote_ranges(text: &str, quote: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for piece in quote.split(['…']).flat_map(|p| p.split("...")) {
        let words: Vec<&str> = piece.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        if let Some(r) = find_words(text, &words) {
            out.push(r);
        }
    }
    out.sort();
    out
}

fn find_words(text: &str, words: &[&str]) -> Option<(usize, usize)> {
    let first = words[0];
    let mut from = 0;
    while let Some(i) = text[from..].find(first) {
        let start = from + i;
        let mut pos = start + first.len();
        let mut ok = true;
        for w in &words[1..] {
            let rest = &text[pos..];
            let trimmed = rest.trim_start();
            if trimmed.len() == rest.len() || !trimmed.starts_with(w) {
                ok = false;
                break;
            }
            pos += rest.len() - trimmed.len() + w.len();
        }
        if ok {
            return Some((start, pos));
        }
        from = start + first.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_text_has_every_article_with_its_sections() {
        let a = Agreement::parse(EMBEDDED);
        let numbers: Vec<u32> = a.articles.iter().map(|x| x.number).collect();
        assert_eq!(numbers, (1..=29).collect::<Vec<_>>());
        let art10 = a.article(10).expect("article 10");
        assert_eq!(art10.title, "Grievance Procedure");
        for p in ["1", "6", "6.A", "8.C", "8.D", "10.B"] {
            assert_eq!(a.resolve(10, p).as_deref(), Some(anchor(10, p).as_str()), "{p}");
        }
        // A paragraph the text does not have resolves to its section.
        assert_eq!(a.resolve(10, "6.Z").as_deref(), Some("art10-6"));
        assert_eq!(a.resolve(10, "").as_deref(), Some("art10"));
        assert_eq!(a.resolve(99, "1"), None);
        // Page headers are gone and the sentence they cut is whole again.
        let step = art10
            .blocks
            .iter()
            .find(|b| b.text.starts_with("STEP ONE"))
            .expect("step one");
        assert!(step.text.contains("Law Judge (HOCALJ)"), "{}", step.text);
        assert!(!art10.blocks.iter().any(|b| b.text == "ARTICLE 10"));
        // Subsections get their own paths.
        let art18 = a.article(18).expect("article 18");
        assert!(art18.blocks.iter().any(|b| b.path.contains(" sub ")));
    }

    #[test]
    fn quotes_match_across_whitespace_and_ellipses() {
        let text = "received by the Regional Chief  Administrative Law Judge or his designee, within twenty-five (25) working days";
        let r = quote_ranges(
            text,
            "received by the Regional Chief Administrative … within twenty-five (25) working days",
        );
        assert_eq!(r.len(), 2);
        assert_eq!(&text[r[0].0..r[0].1], "received by the Regional Chief  Administrative");
        assert_eq!(&text[r[1].0..r[1].1], "within twenty-five (25) working days");
        assert!(quote_ranges(text, "nowhere to be found").is_empty());
    }
}
