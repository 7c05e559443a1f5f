//! Completion: after a dot, the parts a fact group, module or enum has; after
//! `§`, the parts of the module's article; elsewhere the rules, functions, facts,
//! modules, enum values, built-in functions, types, units and keywords — each
//! with its type.

use std::collections::BTreeMap;

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionItemLabelDetails, Documentation, MarkupContent, MarkupKind,
    TextDocumentPositionParams,
};

use super::hover::type_text;
use super::nav::module_of;
use super::text::LineIndex;
use super::workspace::Workspace;
use crate::check::{BUILTINS, ItemRef};
use crate::ir::{Program, RuleId};

/// Words special in one place only (after `sort`, in a `calendar`, …), offered
/// beside the parser's reserved words.
const CONTEXTUAL: &[&str] = &[
    "to", "by", "from", "desc", "source", "sub", "sort", "fold", "calendar", "weekend", "holidays", "closures",
];

/// The unit words written after a number or an expression.
pub const UNITS: &[&str] = &[
    "workdays",
    "workday",
    "days",
    "day",
    "weeks",
    "week",
    "months",
    "month",
    "years",
    "year",
    "hours",
    "hour",
    "minutes",
    "minute",
    "dollars",
    "dollar",
    "percent",
    "pay periods",
    "h",
    "min",
];

fn item(label: &str, kind: CompletionItemKind, detail: Option<String>, doc: Option<&String>) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        label_details: detail.as_ref().map(|d| CompletionItemLabelDetails {
            detail: None,
            description: Some(d.clone()),
        }),
        detail,
        documentation: doc.map(|d| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: d.clone(),
            })
        }),
        ..CompletionItem::default()
    }
}

fn rule_item(prog: &Program, id: RuleId, label: &str) -> CompletionItem {
    let r = &prog.rules[id];
    let ty = type_text(prog, &r.ty);
    match &r.params {
        None => item(label, CompletionItemKind::VARIABLE, Some(ty), r.doc.as_ref()),
        Some(ps) => {
            let ps: Vec<String> = ps.iter().map(|(n, t)| format!("{n}: {}", type_text(prog, t))).collect();
            item(
                label,
                CompletionItemKind::FUNCTION,
                Some(format!("({}): {ty}", ps.join(", "))),
                r.doc.as_ref(),
            )
        }
    }
}

fn item_ref(prog: &Program, i: ItemRef, label: &str) -> CompletionItem {
    match i {
        ItemRef::Rule(r) => rule_item(prog, r, label),
        ItemRef::Table(t) => {
            let t = &prog.tables[t];
            let keys: Vec<String> = t.keys.iter().map(|k| type_text(prog, k)).collect();
            item(
                label,
                CompletionItemKind::STRUCT,
                Some(format!("table {} by {}", type_text(prog, &t.ty), keys.join(", "))),
                t.doc.as_ref(),
            )
        }
        ItemRef::Enum(_) => item(label, CompletionItemKind::ENUM, Some("enum".into()), None),
        ItemRef::Record(_) => item(label, CompletionItemKind::STRUCT, Some("record".into()), None),
    }
}

/// The children of a fact path prefix (`grievance.` → `filed_by`, `step1`, …).
fn fact_children(prog: &Program, prefix: &str, out: &mut BTreeMap<String, CompletionItem>) {
    for f in &prog.facts {
        let Some(rest) = f.path.strip_prefix(prefix) else {
            continue;
        };
        match rest.split_once('.') {
            None => {
                out.insert(
                    rest.to_string(),
                    item(
                        rest,
                        CompletionItemKind::FIELD,
                        Some(type_text(prog, &f.ty)),
                        f.doc.as_ref(),
                    ),
                );
            }
            Some((group, _)) => {
                out.entry(group.to_string())
                    .or_insert_with(|| item(group, CompletionItemKind::MODULE, Some("facts".into()), None));
            }
        }
    }
}

/// The completions at a position of a document.
pub fn completion(ws: &mut Workspace, p: &TextDocumentPositionParams) -> Vec<CompletionItem> {
    let uri = &p.text_document.uri;
    let Some(doc) = ws.doc(uri) else {
        return Vec::new();
    };
    let text = doc.text.clone();
    let offset = LineIndex::new(&text).offset(p.position);
    let before = &text[..offset];
    let word_start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .map_or(0, |i| i + before[i..].chars().next().map_or(1, char::len_utf8));
    let written = &before[word_start..];
    let mut out: BTreeMap<String, CompletionItem> = BTreeMap::new();
    if before[..word_start].ends_with('§') {
        section_parts(&text, &mut out);
        return out.into_values().collect();
    }
    let (prog, a) = ws.program(uri);
    let module = a.file_of(uri).and_then(|f| module_of(&prog, f));
    let n = &prog.symbols;
    if let Some((head, _)) = written.rsplit_once('.') {
        fact_children(&prog, &format!("{head}."), &mut out);
        if let Some(&m) = n.module_index.get(head) {
            for (name, (i, _)) in &n.module_items[m.index()] {
                out.insert(name.clone(), item_ref(&prog, *i, name));
            }
        }
        if let Some(e) = prog.enums.iter().find(|e| e.name == head) {
            for v in &e.variants {
                out.insert(
                    v.clone(),
                    item(v, CompletionItemKind::ENUM_MEMBER, Some(e.name.clone()), None),
                );
            }
        }
        return out.into_values().collect();
    }
    if let Some(m) = module {
        for (name, (i, _)) in &n.module_items[m.index()] {
            out.insert(name.clone(), item_ref(&prog, *i, name));
        }
        for (name, i) in &n.imports[m.index()] {
            out.insert(name.clone(), item_ref(&prog, *i, name));
        }
    }
    for (name, i) in &n.prelude {
        out.entry(name.clone()).or_insert_with(|| item_ref(&prog, *i, name));
    }
    for m in &prog.modules {
        out.entry(m.name.clone()).or_insert_with(|| {
            item(
                &m.name,
                CompletionItemKind::MODULE,
                Some("module".into()),
                m.doc.as_ref(),
            )
        });
    }
    fact_children(&prog, "", &mut out);
    for b in BUILTINS {
        let doc = b.doc.to_string();
        out.entry(b.name.to_string()).or_insert_with(|| {
            item(
                b.name,
                CompletionItemKind::FUNCTION,
                Some(b.signature.to_string()),
                Some(&doc),
            )
        });
    }
    for e in &prog.enums {
        for v in &e.variants {
            out.entry(v.clone())
                .or_insert_with(|| item(v, CompletionItemKind::ENUM_MEMBER, Some(e.name.clone()), None));
        }
    }
    keywords_and_types(out)
}

fn keywords_and_types(mut out: BTreeMap<String, CompletionItem>) -> Vec<CompletionItem> {
    for k in crate::syntax::parser::KEYWORDS.iter().chain(CONTEXTUAL) {
        out.entry(k.to_string())
            .or_insert_with(|| item(k, CompletionItemKind::KEYWORD, None, None));
    }
    for t in crate::types::BUILTIN_TYPE_NAMES {
        out.entry(t.to_string())
            .or_insert_with(|| item(t, CompletionItemKind::TYPE_PARAMETER, Some("type".into()), None));
    }
    for u in UNITS {
        out.entry(u.to_string())
            .or_insert_with(|| item(u, CompletionItemKind::UNIT, Some("unit".into()), None));
    }
    out.into_values().collect()
}

/// After `§`: the parts of the article the document declares, with their words.
fn section_parts(text: &str, out: &mut BTreeMap<String, CompletionItem>) {
    let article = text.lines().find_map(|l| {
        let rest = l.trim_start().strip_prefix("article ")?;
        rest.split_whitespace().next()?.parse::<u32>().ok()
    });
    let Some(article) = article else { return };
    let Ok(outline) = crate::lint::outline::Outline::parse(crate::lint::outline::EMBEDDED) else {
        return;
    };
    let Some(a) = outline.articles.get(&article) else {
        return;
    };
    for part in &a.parts {
        let words = crate::lint::outline::section_text(super::hover::AGREEMENT, article, part)
            .map(|t| t.chars().take(300).collect::<String>());
        out.insert(
            part.clone(),
            item(
                part,
                CompletionItemKind::REFERENCE,
                Some(format!("Art. {article} §{part}")),
                words.as_ref(),
            ),
        );
    }
}
