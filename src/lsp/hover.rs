//! Hover: a rule's type, doc and citation with the words of the cited part of
//! the Agreement; a fact's type, default and doc; a function's signature and
//! doc; a citation's text.

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, TextDocumentPositionParams};

use super::nav::Symbol;
use super::text::LineIndex;
use super::workspace::Workspace;
use crate::ir::symbols::SymbolRef;
use crate::ir::{Citation, ModuleId, Program, Type};
use crate::lint::outline::{cited_paths, section_text};

/// The Agreement's text, for the words of a citation.
pub const AGREEMENT: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/contracts/text/national-agreement-2013.txt"
));

/// Longest quotation of the Agreement a hover shows.
const MAX_QUOTE: usize = 2400;

pub fn type_text(prog: &Program, t: &Type) -> String {
    crate::api::type_name(prog, t)
}

/// The words of the Agreement a citation points to, as a Markdown quotation:
/// each end of a range, the article's sidebar, or the whole article (cut short).
pub fn cited_text(article: u32, section: Option<&str>, sub: Option<&str>, sidebar: bool) -> Option<String> {
    let paths = match (section, sidebar) {
        (_, true) => vec!["sidebar".to_string()],
        (Some(s), false) => cited_paths(s, sub),
        (None, false) => vec![String::new()],
    };
    let mut out = String::new();
    for p in paths {
        let Some(text) = section_text(AGREEMENT, article, &p) else {
            continue;
        };
        let mut text = text.trim_end().to_string();
        if text.len() > MAX_QUOTE {
            let mut cut = MAX_QUOTE;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            text.push_str(" …");
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        for line in text.lines() {
            out.push_str("> ");
            out.push_str(&escape(line));
            out.push_str("  \n");
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Markdown-quotes text of the Agreement so that it shows as written.
fn escape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        if matches!(c, '*' | '_' | '`' | '<' | '>' | '[' | ']' | '#' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn article_title(article: u32) -> String {
    let o = crate::lint::outline::Outline::parse(crate::lint::outline::EMBEDDED).ok();
    match o.as_ref().and_then(|o| o.articles.get(&article)) {
        Some(a) if !a.title.is_empty() => format!("Article {article} — {}", a.title),
        _ => format!("Article {article}"),
    }
}

/// A rule's citation with its quoted phrase and the cited text.
fn citation(prog: &Program, module: ModuleId, c: &Citation) -> String {
    let article = c.article.or(prog.modules[module].article);
    let mut out = format!("**{c}**");
    if c.article.is_none()
        && let Some(a) = article
    {
        out.push_str(&format!(" ({})", article_title(a)));
    }
    if let Some(q) = &c.quote {
        out.push_str(&format!(" “{q}”"));
    }
    if let Some(a) = article
        && c.source.is_none()
        && let Some(text) = cited_text(a, c.section.as_deref(), c.sub.as_deref(), c.sidebar)
    {
        out.push_str("\n\n");
        out.push_str(&text);
    }
    out
}

fn code(s: &str) -> String {
    format!("```cba\n{s}\n```")
}

/// The hover text of a symbol.
pub fn describe(prog: &Program, sym: &Symbol) -> String {
    let ty = |t: &Type| type_text(prog, t);
    let mut parts = Vec::new();
    match *sym {
        Symbol::Ref(SymbolRef::Rule(r)) => {
            let r = &prog.rules[r];
            let head = match &r.params {
                None => format!("rule {}: {}", r.qualified, ty(&r.ty)),
                Some(ps) => {
                    let ps: Vec<String> = ps.iter().map(|(n, t)| format!("{n}: {}", ty(t))).collect();
                    format!("fn {}({}): {}", r.qualified, ps.join(", "), ty(&r.ty))
                }
            };
            parts.push(code(&head));
            parts.extend(r.doc.clone());
            if let Some(c) = &r.citation {
                parts.push(citation(prog, r.module, c));
            }
            if !r.exceptions.is_empty() {
                let n = r.exceptions.len();
                parts.push(format!("{n} exception{}", if n == 1 { "" } else { "s" }));
            }
        }
        Symbol::Ref(SymbolRef::Table(t)) => {
            let t = &prog.tables[t];
            let keys: Vec<String> = t.keys.iter().map(ty).collect();
            parts.push(code(&format!(
                "table {}: {} by {}",
                t.qualified,
                ty(&t.ty),
                keys.join(", ")
            )));
            parts.extend(t.doc.clone());
            if let Some(c) = &t.citation {
                parts.push(citation(prog, t.module, c));
            }
        }
        Symbol::Ref(SymbolRef::Enum(e)) => {
            let e = &prog.enums[e];
            parts.push(code(&format!("enum {} {{ {} }}", e.name, e.variants.join(", "))));
        }
        Symbol::Ref(SymbolRef::Variant(e, v)) => {
            let e = &prog.enums[e];
            let name = &e.variants[v as usize];
            let ext = &e.external[v as usize];
            let mut s = format!("{}.{name}", e.name);
            if ext != name {
                s.push_str(&format!(" = \"{ext}\""));
            }
            parts.push(code(&s));
        }
        Symbol::Ref(SymbolRef::Record(r)) => {
            let r = &prog.records[r];
            let fields: Vec<String> = r.fields.iter().map(|(n, t, _)| format!("  {n}: {}", ty(t))).collect();
            parts.push(code(&format!("record {} {{\n{}\n}}", r.name, fields.join("\n"))));
        }
        Symbol::Ref(SymbolRef::Fact(f)) => {
            let f = &prog.facts[f];
            let default = match &f.default {
                crate::ir::Default::None => String::new(),
                crate::ir::Default::Today => " = today()".into(),
                crate::ir::Default::Value(v) => format!(" = {}", crate::eval::format::text(prog, v, &f.ty)),
            };
            parts.push(code(&format!("fact {}: {}{default}", f.path, ty(&f.ty))));
            parts.extend(f.doc.clone());
        }
        Symbol::FactGroup(ref g) => {
            let n = prog
                .facts
                .iter()
                .filter(|f| f.path.starts_with(&format!("{g}.")))
                .count();
            parts.push(code(&format!("facts {g}")));
            parts.push(format!("{n} facts"));
        }
        Symbol::Ref(SymbolRef::Module(m)) => {
            let m = &prog.modules[m];
            let mut head = format!("module {}", m.name);
            if let Some(a) = m.article {
                head.push_str(&format!("\narticle {a}"));
                if let Some(t) = &m.title {
                    head.push_str(&format!(" \"{t}\""));
                }
            }
            parts.push(code(&head));
            parts.extend(m.doc.clone());
        }
        Symbol::Ref(SymbolRef::Field(r, i)) => {
            let r = &prog.records[r];
            let (name, t, default) = &r.fields[i as usize];
            let default = match default {
                crate::ir::Default::None => String::new(),
                crate::ir::Default::Today => " = today()".into(),
                crate::ir::Default::Value(v) => format!(" = {}", crate::eval::format::text(prog, v, t)),
            };
            parts.push(code(&format!("{}.{name}: {}{default}", r.name, ty(t))));
        }
        Symbol::Builtin(b) => {
            parts.push(code(b.signature));
            parts.push(b.doc.to_string());
        }
    }
    parts.join("\n\n")
}

/// A citation as written in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cited {
    /// The article it names, else the module's.
    pub article: u32,
    pub section: Option<String>,
    pub sub: Option<String>,
    pub sidebar: bool,
    /// Byte range in the text.
    pub start: usize,
    pub end: usize,
}

/// A citation written at `offset` of `text` (`§6.A`, `Art. 23 §3.B`, `§3 sub 5.C`,
/// `Sidebar`).
pub fn citation_at(text: &str, offset: usize, module_article: Option<u32>) -> Option<Cited> {
    let line_start = text[..offset.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[line_start..].find('\n').map_or(text.len(), |i| line_start + i);
    let line = &text[line_start..line_end];
    let at = offset - line_start;
    // `Art. N` and `Sidebar` on the line, and each `§…` token.
    let art_of = |before: &str| -> Option<u32> {
        let t = before.trim_end();
        let num: String = t.chars().rev().take_while(char::is_ascii_digit).collect();
        let rest = t[..t.len() - num.len()].trim_end();
        rest.ends_with("Art.")
            .then(|| num.chars().rev().collect::<String>().parse().ok())?
    };
    for (i, _) in line.match_indices('§') {
        let body_start = i + '§'.len_utf8();
        let body = &line[body_start..];
        let ws = body.len() - body.trim_start_matches([' ', '\t']).len();
        let sec: String = body[ws..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '–'))
            .collect();
        let mut end = body_start + ws + sec.len();
        let mut sub = None;
        if let Some(rest) = line[end..].strip_prefix(" sub ") {
            let s: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '–'))
                .collect();
            end += 5 + s.len();
            sub = Some(s);
        }
        let start = line[..i]
            .rfind("Art.")
            .filter(|&a| art_of(&line[..i]).is_some() && a < i)
            .unwrap_or(i);
        if at >= start && at <= end && !sec.is_empty() {
            let article = art_of(&line[..i]).or(module_article)?;
            let sec = sec.trim_end_matches('.').replace('–', "-");
            return Some(Cited {
                article,
                section: Some(sec),
                sub,
                sidebar: false,
                start: line_start + start,
                end: line_start + end,
            });
        }
    }
    for (i, _) in line.match_indices("Sidebar") {
        if at >= i && at <= i + 7 {
            let article = art_of(&line[..i]).or(module_article)?;
            return Some(Cited {
                article,
                section: None,
                sub: None,
                sidebar: true,
                start: line_start + i,
                end: line_start + i + 7,
            });
        }
    }
    None
}

/// The article a text declares (`article 10 "…"`), read without parsing.
fn declared_article(text: &str) -> Option<u32> {
    text.lines().find_map(|l| {
        let rest = l.trim_start().strip_prefix("article ")?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

pub fn hover(ws: &mut Workspace, p: &TextDocumentPositionParams) -> Option<Hover> {
    let uri = &p.text_document.uri;
    let text = ws.doc(uri)?.text.clone();
    let ix = LineIndex::new(&text);
    let offset = ix.offset(p.position);
    // A citation (in a rule or a comment) reads the document as it is, checked or not.
    if let Some(Cited {
        article,
        section: sec,
        sub,
        sidebar,
        start: s,
        end: e,
    }) = citation_at(&text, offset, declared_article(&text))
    {
        let mut head = String::new();
        if sidebar {
            head.push_str("Sidebar");
        } else if let Some(sec) = &sec {
            head.push_str(&format!("§{sec}"));
            if let Some(sub) = &sub {
                head.push_str(&format!(" sub {sub}"));
            }
        }
        let body = cited_text(article, sec.as_deref(), sub.as_deref(), sidebar)
            .unwrap_or_else(|| "> (the Agreement's text has no such part)".into());
        return Some(markdown(
            format!("**{head}**, {}\n\n{body}", article_title(article)),
            Some(ix.range(s, e)),
        ));
    }
    let u = super::nav::symbol_under(ws, p)?;
    Some(markdown(describe(&u.prog, &u.symbol), Some(ix.range(u.start, u.end))))
}

fn markdown(value: String, range: Option<lsp_types::Range>) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citations_are_found_under_the_cursor() {
        let t = "rule r: date  Art. 23 §3.B \"x\" = 1\nrule s: int §6.A = 2 // Sidebar\n";
        let at =
            |s: &str| citation_at(t, t.find(s).unwrap(), Some(10)).map(|c| (c.article, c.section, c.sub, c.sidebar));
        assert_eq!(at("3.B"), Some((23, Some("3.B".into()), None, false)));
        assert_eq!(at("Art."), Some((23, Some("3.B".into()), None, false)));
        assert_eq!(at("6.A"), Some((10, Some("6.A".into()), None, false)));
        assert_eq!(at("= 2"), None);
    }

    #[test]
    fn cited_text_is_the_agreement_words() {
        let t = cited_text(10, Some("6.B"), None, false).expect("text of §6.B");
        assert!(t.contains("Failure on the part of the Employer"), "{t}");
        assert!(cited_text(10, Some("99"), None, false).is_none());
    }
}
