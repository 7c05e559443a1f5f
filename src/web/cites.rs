//! Which rules cite which part of the Agreement's text, both ways: the literate
//! page puts the rules beside each section; a rule page links to its section.

use std::collections::BTreeMap;

use crate::ir::{Citation, Program};
use crate::lint::outline::cited_paths;

use super::text::Agreement;

/// One place a rule cites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub article: u32,
    /// The citation path of that part (`6.A`; empty for the whole article).
    pub path: String,
    /// The anchor id of the nearest part the text has.
    pub anchor: String,
}

#[derive(Debug, Clone, Default)]
pub struct Cites {
    /// Anchor id → rules (ids into `Program::rules`) citing it, in program order.
    pub by_anchor: BTreeMap<String, Vec<u32>>,
    /// Rule id → the places it cites.
    pub by_rule: Vec<Vec<Place>>,
}

/// The anchors a citation points at, resolved against the text.
pub fn places(cite: &Citation, module_article: Option<u32>, text: &Agreement) -> Vec<Place> {
    let Some(article) = cite.article.or(module_article) else {
        return Vec::new();
    };
    let paths = match (&cite.section, cite.sidebar) {
        (Some(s), _) => cited_paths(s, cite.sub.as_deref()),
        (None, true) => vec!["sidebar".to_string()],
        (None, false) => vec![String::new()],
    };
    let mut out: Vec<Place> = Vec::new();
    for p in paths {
        if let Some(path) = text.resolve_path(article, &p) {
            let anchor = super::text::anchor(article, &path);
            if !out.iter().any(|x| x.anchor == anchor) {
                out.push(Place { article, path, anchor });
            }
        }
    }
    out
}

impl Cites {
    pub fn new(prog: &Program, text: &Agreement) -> Cites {
        let mut c = Cites {
            by_anchor: BTreeMap::new(),
            by_rule: vec![Vec::new(); prog.rules.len()],
        };
        for (id, r) in prog.rules.iter().enumerate() {
            let m = &prog.modules[r.module];
            if m.is_stdlib {
                continue;
            }
            let Some(cite) = &r.citation else { continue };
            let ps = places(cite, m.article, text);
            for p in &ps {
                c.by_anchor.entry(p.anchor.clone()).or_default().push(id as u32);
            }
            c.by_rule[id] = ps;
        }
        c
    }
}
