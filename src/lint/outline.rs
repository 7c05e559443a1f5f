//! The Agreement's outline: which sections, subsections and paragraphs each
//! article contains, so `cba check` can tell a citation to a part the article
//! does not have. The outline is data beside the contracts
//! (`contracts/agreement.outline`), generated from the Agreement's text by
//! `cba outline TEXT` and correctable by hand:
//!
//! ```text
//! # comment
//! article 10 "Grievance Procedure"
//!   §1
//!   §6: A A.1 B            section 6 with paragraphs A, A.1 (item 1 of A) and B
//!   §3 sub 5: A B C        subsection 5 of section 3, with its paragraphs
//!   A B                    paragraphs of an article without sections
//!   sidebar                the article has a sidebar
//! ```

use std::collections::{BTreeMap, BTreeSet};

/// The outline embedded with the Agreement.
pub const EMBEDDED: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/contracts/agreement.outline"));

/// One article's parts, as citation paths: `6`, `6.A`, `6.A.1`, `3 sub 5`, `3 sub 5.C`, `A`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleOutline {
    pub title: String,
    pub parts: BTreeSet<String>,
    pub sidebar: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    pub articles: BTreeMap<u32, ArticleOutline>,
}

/// A line of the outline file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineError {
    pub line: usize,
    pub message: String,
}

impl Outline {
    /// Reads an outline file.
    pub fn parse(text: &str) -> Result<Outline, OutlineError> {
        let mut out = Outline::default();
        let mut current: Option<u32> = None;
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let err = |message: String| OutlineError { line: i + 1, message };
            if let Some(rest) = line.strip_prefix("article ") {
                let (num, title) = rest.split_once(' ').unwrap_or((rest, ""));
                let n: u32 = num
                    .parse()
                    .map_err(|_| err(format!("`{num}` is not an article number")))?;
                let title = title.trim().trim_matches('"').to_string();
                out.articles.entry(n).or_default().title = title;
                current = Some(n);
                continue;
            }
            let Some(n) = current else {
                return Err(err("parts come after an `article N \"Title\"` line".into()));
            };
            let art = out.articles.entry(n).or_default();
            if line == "sidebar" {
                art.sidebar = true;
            } else if let Some(rest) = line.strip_prefix('§') {
                let (head, children) = rest.split_once(':').unwrap_or((rest, ""));
                let head = head.trim();
                if head.is_empty() {
                    return Err(err("`§` needs a section number".into()));
                }
                art.parts.insert(head.to_string());
                // `3 sub 5` is part of section 3.
                if let Some((sec, _)) = head.split_once(" sub ") {
                    art.parts.insert(sec.trim().to_string());
                }
                for c in children.split_whitespace() {
                    art.parts.insert(format!("{head}.{c}"));
                }
            } else {
                art.parts.extend(line.split_whitespace().map(str::to_string));
            }
        }
        Ok(out)
    }

    /// Writes the outline in its file format.
    pub fn write(&self, header: &str) -> String {
        let mut out = String::new();
        for l in header.lines() {
            out.push_str(&format!("# {l}\n").replace("# \n", "#\n"));
        }
        for (n, a) in &self.articles {
            out.push_str(&format!("article {n} \"{}\"\n", a.title));
            // Group the parts by their section (the part before the first dot).
            let mut loose: Vec<&str> = Vec::new();
            let mut sections: Vec<(&str, Vec<&str>)> = Vec::new();
            for p in &a.parts {
                let is_section = p.chars().next().is_some_and(|c| c.is_ascii_digit());
                if !is_section {
                    loose.push(p);
                    continue;
                }
                let (head, child) = match split_section(p) {
                    (h, Some(c)) => (h, Some(c)),
                    (h, None) => (h, None),
                };
                match sections.iter_mut().find(|(h, _)| *h == head) {
                    Some((_, cs)) => cs.extend(child),
                    None => sections.push((head, child.into_iter().collect())),
                }
            }
            sections.sort_by_key(|a| section_order(a.0));
            for (head, mut cs) in sections {
                cs.sort_by_key(|a| part_order(a));
                if cs.is_empty() {
                    out.push_str(&format!("  §{head}\n"));
                } else {
                    out.push_str(&format!("  §{head}: {}\n", cs.join(" ")));
                }
            }
            if !loose.is_empty() {
                loose.sort_by_key(|a| part_order(a));
                out.push_str(&format!("  {}\n", loose.join(" ")));
            }
            if a.sidebar {
                out.push_str("  sidebar\n");
            }
        }
        out
    }
}

/// `6.A.1` → (`6`, `A.1`); `3 sub 5.C` → (`3 sub 5`, `C`); `6` → (`6`, none).
fn split_section(p: &str) -> (&str, Option<&str>) {
    let head_end = match p.find(" sub ") {
        Some(i) => i + 5 + p[i + 5..].find('.').unwrap_or(p.len() - i - 5),
        None => p.find('.').unwrap_or(p.len()),
    };
    if head_end >= p.len() {
        (p, None)
    } else {
        (&p[..head_end], Some(&p[head_end + 1..]))
    }
}

/// Sort key: numbers by value, letters alphabetically, part by part.
fn part_order(p: &str) -> Vec<(u32, String)> {
    p.split(['.', ' '])
        .map(|x| (x.parse::<u32>().unwrap_or(u32::MAX), x.to_string()))
        .collect()
}

fn section_order(p: &str) -> Vec<(u32, String)> {
    part_order(p)
}

/// Expands a cited section (`8.C-D`, `8–11`, `4.A.1-2`) into the paths of its
/// ends; the right end replaces as many trailing parts of the left as it has.
pub fn cited_paths(section: &str, sub: Option<&str>) -> Vec<String> {
    let ends = |s: &str| -> Vec<String> {
        let s = s.trim_end_matches('.');
        match s.split_once(['-', '–']) {
            Some((l, r)) => {
                let left: Vec<&str> = l.split('.').collect();
                let right: Vec<&str> = r.split('.').collect();
                let keep = left.len().saturating_sub(right.len());
                let mut r_full: Vec<&str> = left[..keep].to_vec();
                r_full.extend(right);
                vec![l.to_string(), r_full.join(".")]
            }
            None => vec![s.to_string()],
        }
    };
    match sub {
        None => ends(section),
        Some(sub) => {
            let secs = ends(section);
            let subs = ends(sub);
            secs.iter()
                .flat_map(|s| subs.iter().map(move |x| format!("{s} sub {x}")))
                .collect()
        }
    }
}

/// Reads the outline from the Agreement's text (its `ARTICLE N`, `Section N`,
/// `Subsection N` headings and `A.`, `1.`, `a.` paragraphs).
pub fn generate(text: &str) -> Outline {
    let mut out = Outline::default();
    // Titles from the table of contents: `Article 10 Grievance Procedure\t33`.
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
    for line in walk(text) {
        let a = out.articles.entry(line.article).or_default();
        match line.opens {
            Opens::Article => a.title = titles.get(&line.article).cloned().unwrap_or_default(),
            Opens::Sidebar => a.sidebar = true,
            Opens::Part => {
                a.parts.insert(line.part.clone());
            }
            Opens::Nothing => {}
        }
    }
    out
}

/// What a line of the Agreement's text opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opens {
    Nothing,
    Article,
    Sidebar,
    /// A section, subsection or paragraph: the line's `part`.
    Part,
}

/// One line of the Agreement's text with the part it belongs to.
struct Line<'a> {
    article: u32,
    /// Citation path of the innermost part (`6.A.1`, `3 sub 5`, `sidebar`); empty
    /// before the first section.
    part: String,
    text: &'a str,
    opens: Opens,
}

/// Walks the Agreement's text, telling for each line (after the first
/// `ARTICLE N` heading; page headers left out) which part it belongs to.
fn walk(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut article: Option<u32> = None;
    let mut section: Option<String> = None;
    let mut letter: Option<String> = None;
    let mut number: Option<String> = None;
    let mut sidebar = false;
    for raw in text.lines() {
        let line = raw.trim_end();
        if let Some(n) = line.strip_prefix("ARTICLE ").and_then(|n| n.trim().parse::<u32>().ok()) {
            // Page headers repeat the article: only a new number opens an article.
            if article.is_none_or(|a| n > a) {
                article = Some(n);
                section = None;
                letter = None;
                number = None;
                sidebar = false;
                out.push(Line {
                    article: n,
                    part: String::new(),
                    text: line,
                    opens: Opens::Article,
                });
            }
            continue;
        }
        let Some(art) = article else { continue };
        let t = line.trim_start();
        let mut push = |part: String, opens: Opens| {
            out.push(Line {
                article: art,
                part,
                text: line,
                opens,
            })
        };
        if t == "Sidebar" {
            sidebar = true;
            push("sidebar".into(), Opens::Sidebar);
            continue;
        }
        if let Some(n) = heading_number(t, "Section") {
            let sec = n.to_string();
            section = Some(sec.clone());
            letter = None;
            number = None;
            sidebar = false;
            push(sec, Opens::Part);
            continue;
        }
        if let Some(n) = heading_number(t, "Subsection").or_else(|| heading_number(t, "Sub§")) {
            if let Some(s) = &section {
                let s = s.split(" sub ").next().unwrap_or(s).to_string();
                let sub = format!("{s} sub {n}");
                section = Some(sub.clone());
                letter = None;
                number = None;
                push(sub, Opens::Part);
            }
            continue;
        }
        let current = |section: &Option<String>, letter: &Option<String>, number: &Option<String>, sidebar: bool| {
            if sidebar {
                return "sidebar".to_string();
            }
            let xs: Vec<&str> = [section, letter, number].iter().filter_map(|p| p.as_deref()).collect();
            xs.join(".")
        };
        let marker = t.strip_prefix("- ").unwrap_or(t);
        let Some((m, _)) = marker.split_once(". ") else {
            push(current(&section, &letter, &number, sidebar), Opens::Nothing);
            continue;
        };
        let prefix = |parts: &[&Option<String>], last: &str| -> String {
            let mut xs: Vec<&str> = parts.iter().filter_map(|p| p.as_deref()).collect();
            xs.push(last);
            xs.join(".")
        };
        let was_sidebar = std::mem::replace(&mut sidebar, false);
        if m.len() == 1 && m.chars().all(|c| c.is_ascii_uppercase()) {
            push(prefix(&[&section], m), Opens::Part);
            letter = Some(m.to_string());
            number = None;
        } else if !m.is_empty() && m.len() <= 2 && m.chars().all(|c| c.is_ascii_digit()) {
            push(prefix(&[&section, &letter], m), Opens::Part);
            number = Some(m.to_string());
        } else if m.len() == 1 && m.chars().all(|c| c.is_ascii_lowercase()) {
            push(prefix(&[&section, &letter, &number], m), Opens::Part);
        } else {
            sidebar = was_sidebar;
            push(current(&section, &letter, &number, sidebar), Opens::Nothing);
        }
    }
    out
}

/// The text of one part of an article (`6.A` takes in `6.A.1`…; `6` takes in its
/// paragraphs and subsections; an empty path is the whole article; `sidebar` its
/// sidebar), blank runs squeezed; `None` when the text has no such part.
pub fn section_text(text: &str, article: u32, path: &str) -> Option<String> {
    let within = |part: &str| {
        path.is_empty()
            || part == path
            || part
                .strip_prefix(path)
                .is_some_and(|rest| rest.starts_with('.') || rest.starts_with(" sub "))
    };
    let mut out = String::new();
    let mut found = false;
    let mut blank = false;
    for line in walk(text) {
        if line.article != article || !within(&line.part) {
            continue;
        }
        found = true;
        if line.text.trim().is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push('\n');
            blank = false;
        }
        out.push_str(line.text.trim_start_matches(' '));
        out.push('\n');
    }
    found.then_some(out)
}

/// `Section 6`, `Section 6 - Title`, `Section 6. Title` → 6.
fn heading_number(line: &str, word: &str) -> Option<u32> {
    // Headings are short lines; a long one is a paragraph that starts with the word.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_expand_to_both_ends() {
        assert_eq!(cited_paths("8.C-D", None), ["8.C", "8.D"]);
        assert_eq!(cited_paths("8–11", None), ["8", "11"]);
        assert_eq!(cited_paths("4.A.1-2", None), ["4.A.1", "4.A.2"]);
        assert_eq!(cited_paths("3", Some("5.C")), ["3 sub 5.C"]);
        assert_eq!(cited_paths("6.A", None), ["6.A"]);
    }

    #[test]
    fn parse_and_write_round_trip() {
        let text = "article 10 \"Grievance Procedure\"\n  §1\n  §3 sub 5: A B\n  §6: A A.1 B\n  sidebar\narticle 22 \"Seniority\"\n  A B C\n";
        let o = Outline::parse(text).expect("parses");
        let a = &o.articles[&10];
        for p in ["1", "3", "3 sub 5", "3 sub 5.A", "6", "6.A", "6.A.1", "6.B"] {
            assert!(a.parts.contains(p), "{p}");
        }
        assert!(a.sidebar);
        assert!(o.articles[&22].parts.contains("C"));
        assert_eq!(Outline::parse(&o.write("")).expect("parses again"), o);
    }

    #[test]
    fn generated_from_headings_and_paragraphs() {
        let text = "Article 10 Grievance Procedure\t33\nARTICLE 10\n\nGRIEVANCE\n\nSection 6\n\n- A. Step One.\n - 1. one\n - a. sub\n- B. Two\nARTICLE 10\n- C. after a page header\nSection 3 - Sick\nSubsection 5 – Family\n- C. care\n";
        let o = generate(text);
        let a = &o.articles[&10];
        assert_eq!(a.title, "Grievance Procedure");
        for p in [
            "6",
            "6.A",
            "6.A.1",
            "6.A.1.a",
            "6.B",
            "6.C",
            "3",
            "3 sub 5",
            "3 sub 5.C",
        ] {
            assert!(a.parts.contains(p), "{p} in {:?}", a.parts);
        }
    }

    #[test]
    fn section_text_takes_in_its_paragraphs() {
        let text = "ARTICLE 10\n\nSection 6\n\nIntro.\n\n- A. Step One.\n - 1. one\n- B. Two\nARTICLE 10\nmore of B\nSection 7\nSeven.\nARTICLE 11\nSidebar\nAside.\n";
        assert_eq!(
            section_text(text, 10, "6").as_deref(),
            Some("Section 6\n\nIntro.\n\n- A. Step One.\n- 1. one\n- B. Two\nmore of B\n")
        );
        assert_eq!(
            section_text(text, 10, "6.A").as_deref(),
            Some("- A. Step One.\n- 1. one\n")
        );
        assert_eq!(section_text(text, 10, "6.B").as_deref(), Some("- B. Two\nmore of B\n"));
        assert_eq!(section_text(text, 11, "sidebar").as_deref(), Some("Sidebar\nAside.\n"));
        assert_eq!(section_text(text, 10, "9"), None);
    }

    #[test]
    fn bad_lines_are_errors_with_their_line() {
        let e = Outline::parse("§1\n").expect_err("no article");
        assert_eq!(e.line, 1);
        let e = Outline::parse("article x \"T\"\n").expect_err("bad number");
        assert!(e.message.contains("`x`"));
    }
}
