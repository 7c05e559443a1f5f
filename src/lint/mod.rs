//! Lints of `cba check`: warnings about rule files that check but are likely
//! wrong or hard to trust (errors with `--deny warnings`).
//!
//! | code | what |
//! |---|---|
//! | W0601 | a rule (or function) without a citation |
//! | W0602 | a `when` branch that can never fire because an earlier one always does |
//! | W0603 | effective dates out of order or overlapping (tables by date, `when` chains) |
//! | W0604 | a declared fact no rule reads |
//! | W0605 | a rule or function nothing uses (no rule, exception, calendar or test) |
//! | W0606 | a citation to an article or section the Agreement's outline does not have |
//!
//! Only the contracts are linted, not the standard library. Lints read the
//! checked program and, for spans the program does not keep (citations, table
//! rows), the syntax tree of each contract file, parsed again.

pub mod branches;
pub mod outline;

use std::collections::HashSet;

use crate::diag::{Code, Diagnostic};
use crate::ir::{ExprKind, ModuleId, Program, RuleId};
use crate::syntax::ast;
use crate::syntax::span::{FileId, Span};

use outline::{ArticleOutline, Outline, cited_paths};

/// Runs every lint over the contracts of a checked program. `outline` is the
/// Agreement's outline for citations (no citation lint without one).
pub fn lint(prog: &Program, outline: Option<&Outline>) -> Vec<Diagnostic> {
    lint_parsed(prog, outline, |file| {
        crate::syntax::parse_module(&prog.sources.get(file).text, file)
            .0
            .map(std::borrow::Cow::Owned)
    })
}

/// [`lint`] with the syntax tree of each contract file from `tree` (the language
/// server keeps them; `lint` parses them again).
pub fn lint_parsed<'a>(
    prog: &Program,
    outline: Option<&Outline>,
    tree: impl Fn(FileId) -> Option<std::borrow::Cow<'a, ast::Module>>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let contract = |m: ModuleId| !prog.modules[m].is_stdlib;
    for (id, r) in prog.rules.iter().enumerate() {
        if !contract(r.module) {
            continue;
        }
        if r.citation.is_none() {
            let what = if r.params.is_some() { "function" } else { "rule" };
            out.push(
                Diagnostic::warning(
                    Code::NoCitation,
                    format!("{what} `{}` cites no part of the Agreement", r.qualified),
                    r.name_span,
                    "no citation",
                )
                .with_help("after the type, cite the text it encodes: `§6.A \"quoted words\"`, `Art. 23 §3.B`, or `source \"…\"`"),
            );
        }
        branches::dead_branches(prog, RuleId::from_index(id), &mut out);
    }
    unused_facts(prog, &mut out);
    unused_rules(prog, &mut out);
    for (mid, m) in prog.modules.iter().enumerate() {
        if m.is_stdlib {
            continue;
        }
        let Some(mut module) = tree(m.file) else { continue };
        if module.source.is_some() {
            crate::syntax::apply_module_source(module.to_mut());
        }
        table_dates(&module, &mut out);
        if let Some(o) = outline {
            citations(prog, ModuleId::from_index(mid), &module, o, &mut out);
        }
    }
    out.sort_by_key(|d| (d.primary.span.file.0, d.primary.span.start, d.code));
    out
}

/// The outline citations are checked against: an `.outline` file among the
/// given paths (or in the contracts directory), else the built-in Agreement's.
pub fn outline_for(contracts: &crate::load::Contracts) -> Result<Option<Outline>, String> {
    use crate::load::Contracts;
    fn find(p: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        if p.is_dir() {
            let Ok(entries) = std::fs::read_dir(p) else { return };
            let mut xs: Vec<_> = entries.flatten().map(|e| e.path()).collect();
            xs.sort();
            for x in xs {
                find(&x, out);
            }
        } else if p.extension().is_some_and(|e| e == "outline") {
            out.push(p.to_path_buf());
        }
    }
    let mut files = Vec::new();
    match contracts {
        // An overlay's modules cite the built-in Agreement's outline.
        Contracts::Embedded | Contracts::Overlay(_) => {}
        Contracts::Dir(d) => find(d, &mut files),
        Contracts::Paths(ps) => ps.iter().for_each(|p| find(p, &mut files)),
    }
    let mut merged = Outline::default();
    if files.is_empty() {
        return Outline::parse(outline::EMBEDDED)
            .map(Some)
            .map_err(|e| format!("contracts/agreement.outline:{}: {}", e.line, e.message));
    }
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|e| format!("cannot read `{}`: {e}", f.display()))?;
        let o = Outline::parse(&text).map_err(|e| format!("{}:{}: {}", f.display(), e.line, e.message))?;
        merged.articles.extend(o.articles);
    }
    Ok(Some(merged))
}

/// The module a file holds.
fn module_of_file(prog: &Program, file: FileId) -> Option<ModuleId> {
    prog.modules
        .iter()
        .position(|m| m.file == file)
        .map(ModuleId::from_index)
}

/// W0604. Facts made from a record's fields (`step1: Step` gives
/// `step1.received_on`, `step1.answered_on`) are judged by the field: it is
/// used when it is read in any fact of that record.
fn unused_facts(prog: &Program, out: &mut Vec<Diagnostic>) {
    let mut read = vec![false; prog.facts.len()];
    for r in &prog.rules {
        let mut todo = vec![&r.body];
        while let Some(e) = todo.pop() {
            if let ExprKind::Fact(f) = e.kind {
                read[f.index()] = true;
            }
            e.for_each_child(|c| todo.push(c));
        }
    }
    if let Some(f) = prog.calendar.as_ref().and_then(|c| c.closures) {
        read[f.index()] = true;
    }
    // A plain fact's span is its name; a record field's fact has the span of the
    // `name: Record` declaration it came from.
    let key = |f: &crate::ir::FactInfo| -> (String, String) {
        let text = prog.sources.get(f.span.file).text.get(f.span.range()).unwrap_or("");
        match text.split_once(':') {
            Some((_, ty)) => (
                ty.split_whitespace()
                    .next()
                    .unwrap_or("")
                    .trim_end_matches('?')
                    .to_string(),
                f.path.rsplit('.').next().unwrap_or("").to_string(),
            ),
            None => (String::new(), f.path.clone()),
        }
    };
    let used: HashSet<(String, String)> = prog
        .facts
        .iter()
        .zip(&read)
        .filter(|(_, r)| **r)
        .map(|(f, _)| key(f))
        .collect();
    let mut reported: HashSet<(String, String)> = HashSet::new();
    for f in &prog.facts {
        let Some(m) = module_of_file(prog, f.span.file) else {
            continue;
        };
        let k = key(f);
        if prog.modules[m].is_stdlib || used.contains(&k) || !reported.insert(k.clone()) {
            continue;
        }
        let (message, label) = if k.0.is_empty() {
            (
                format!("fact `{}` is declared but no rule reads it", f.path),
                "never read",
            )
        } else {
            (
                format!(
                    "field `{}` of `{}` is declared but no rule reads it (as in `{}`)",
                    k.1, k.0, f.path
                ),
                "a field of this record is never read",
            )
        };
        // The declaration's first line (a record field's span runs on to the next item).
        let text = prog.sources.get(f.span.file).text.get(f.span.range()).unwrap_or("");
        let first = text.lines().next().unwrap_or("").trim_end().len();
        let span = Span::new(f.span.file, f.span.start as usize, f.span.start as usize + first);
        out.push(
            Diagnostic::warning(Code::UnusedFact, message, span, label)
                .with_help("remove the fact, or write the rule that needs it"),
        );
    }
}

/// W0605: rules and functions no rule, exception, calendar or test refers to.
fn unused_rules(prog: &Program, out: &mut Vec<Diagnostic>) {
    let mut used = vec![false; prog.rules.len()];
    for (id, r) in prog.rules.iter().enumerate() {
        let mut todo = vec![&r.body];
        while let Some(e) = todo.pop() {
            if let ExprKind::Rule(x) | ExprKind::Call(x, _) = e.kind
                && x.index() != id
            {
                used[x.index()] = true;
            }
            e.for_each_child(|c| todo.push(c));
        }
    }
    if let Some(c) = &prog.calendar {
        used[c.holidays.index()] = true;
    }
    for t in &prog.tests {
        for x in &t.expects {
            used[x.rule.index()] = true;
        }
    }
    for (id, r) in prog.rules.iter().enumerate() {
        if used[id] || prog.modules[r.module].is_stdlib {
            continue;
        }
        let what = if r.params.is_some() { "function" } else { "rule" };
        out.push(
            Diagnostic::warning(
                Code::UnusedRule,
                format!("{what} `{}` is not used by any rule or inline test", r.qualified),
                r.name_span,
                "unused",
            )
            .with_help("test it (`expect` in a `test` block), use it in a rule, or remove it"),
        );
    }
}

/// W0603 for tables by date: rows should take effect in the order written.
fn table_dates(module: &ast::Module, out: &mut Vec<Diagnostic>) {
    fn rows(name: &str, rs: &[ast::TableRow], out: &mut Vec<Diagnostic>) {
        let mut prev: Option<&ast::TableRow> = None;
        for r in rs {
            if let ast::TableKey::From(d) = &r.key {
                if let Some(p) = prev
                    && let ast::TableKey::From(pd) = &p.key
                    && d.node < pd.node
                {
                    out.push(
                        Diagnostic::warning(
                            Code::DatesOutOfOrder,
                            format!("rows of table `{name}` are out of date order"),
                            d.span,
                            "takes effect before the row above",
                        )
                        .with_label(pd.span, "a later date is written first")
                        .with_help("write the rows in the order they took effect, earliest first"),
                    );
                }
                prev = Some(r);
            }
            if let ast::TableValue::Nested(n) = &r.value {
                rows(name, n, out);
            }
        }
    }
    for item in &module.items {
        if let ast::Item::Table(t) = item {
            rows(&t.name.node, &t.rows, out);
        }
    }
}

/// W0606: each citation of the module against the outline.
fn citations(prog: &Program, mid: ModuleId, module: &ast::Module, outline: &Outline, out: &mut Vec<Diagnostic>) {
    let own = prog.modules[mid].article;
    for item in &module.items {
        let c = match item {
            ast::Item::Rule(r) => r.citation.as_ref(),
            ast::Item::Exception(x) => x.citation.as_ref(),
            ast::Item::Table(t) => t.citation.as_ref(),
            ast::Item::Calendar(c) => c.citation.as_ref(),
            _ => None,
        };
        if let Some(c) = c {
            citation(c, own, outline, out);
        }
    }
}

fn citation(c: &ast::Citation, own: Option<u32>, outline: &Outline, out: &mut Vec<Diagnostic>) {
    let Some(article) = c.article.as_ref().map(|a| a.node).or(own) else {
        return;
    };
    let art_span = c.article.as_ref().map_or(c.span, |a| a.span);
    let Some(a) = outline.articles.get(&article) else {
        out.push(
            Diagnostic::warning(
                Code::CitationNotInArticle,
                format!("the Agreement has no Article {article}"),
                art_span,
                "no such article",
            )
            .with_help(format!(
                "the Agreement's articles are {}–{}",
                outline.articles.keys().next().unwrap_or(&0),
                outline.articles.keys().last().unwrap_or(&0)
            )),
        );
        return;
    };
    if c.sidebar && !a.sidebar {
        out.push(
            Diagnostic::warning(
                Code::CitationNotInArticle,
                format!("Article {article} has no sidebar"),
                c.span,
                "no sidebar in this article",
            )
            .with_help("cite the section instead, or the article that has the sidebar"),
        );
    }
    let Some(section) = &c.section else { return };
    let sub = c.sub.as_ref().map(|s| s.node.as_str());
    let missing: Vec<String> = cited_paths(&section.node, sub)
        .into_iter()
        .filter(|p| !a.parts.contains(p))
        .collect();
    if missing.is_empty() {
        return;
    }
    let span = match &c.sub {
        Some(s) => section.span.to(s.span),
        None => section.span,
    };
    let shown: Vec<String> = missing.iter().map(|p| format!("§{p}")).collect();
    out.push(
        Diagnostic::warning(
            Code::CitationNotInArticle,
            format!("Article {article} ({}) has no {}", a.title, shown.join(" or ")),
            span,
            "not in the article",
        )
        .with_help(nearby(a, &missing[0])),
    );
}

/// A help line naming what the article does have near a missing part.
fn nearby(a: &ArticleOutline, missing: &str) -> String {
    // The same paragraph in another section or subsection: `§1.F` → `§2.F`, `§4.A` → `§4 sub 1.A`.
    if let Some((sec, rest)) = missing.split_once('.') {
        let tail = format!(".{rest}");
        let sub = format!("{sec} sub ");
        let mut same: Vec<&String> = a
            .parts
            .iter()
            .filter(|p| p.ends_with(&tail) && p.as_str() != missing)
            .collect();
        // A subsection of the cited section first: `§4.A` → `§4 sub 1.A`.
        if same.iter().any(|p| p.starts_with(&sub)) {
            same.retain(|p| p.starts_with(&sub));
        }
        let same: Vec<String> = same.into_iter().take(3).map(|p| format!("`§{p}`")).collect();
        if !same.is_empty() {
            return format!(
                "did you mean {}? (the outline is `contracts/agreement.outline`)",
                same.join(" or ")
            );
        }
    }
    // The parts of the closest existing parent.
    let mut parent = missing.to_string();
    while let Some(i) = parent.rfind(['.', ' ']) {
        parent.truncate(i);
        let parent = parent.trim_end_matches(" sub").to_string();
        if a.parts.contains(&parent) {
            let prefix = format!("{parent}.");
            let kids: Vec<&str> = a
                .parts
                .iter()
                .filter_map(|p| p.strip_prefix(&prefix))
                .filter(|k| !k.contains('.'))
                .collect();
            if !kids.is_empty() {
                return format!("§{parent} has {}", kids.join(", "));
            }
            return format!("§{parent} has no numbered or lettered parts");
        }
    }
    if let Some(s) = crate::diag::did_you_mean(missing, a.parts.iter().map(String::as_str)) {
        return format!("did you mean `§{s}`? (the outline is `contracts/agreement.outline`)");
    }
    let sections: Vec<&str> = a
        .parts
        .iter()
        .filter(|p| !p.contains(['.', ' ']))
        .map(String::as_str)
        .collect();
    format!("the article's parts are §{}", sections.join(", §"))
}
