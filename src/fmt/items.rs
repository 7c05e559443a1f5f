//! Printing the module header and the items.

use super::doc::{Doc, concat, flat_width, group, join, nest, text};
use super::expr::{citation_text, date_text, path_text, string_lit, type_text};
use super::{Block, Fmt, braces};
use crate::syntax::ast::*;

/// `/// line` for each line of a doc comment, each followed by a line break.
fn doc_lines(doc: &Option<String>) -> Doc {
    let Some(doc) = doc else {
        return concat(vec![]);
    };
    let mut out = Vec::new();
    for line in doc.split('\n') {
        out.push(text(if line.is_empty() {
            "///".to_string()
        } else {
            format!("/// {line}")
        }));
        out.push(Doc::HardLine);
    }
    concat(out)
}

/// `  §6.A "quote"` after a declaration's head, or nothing.
fn citation_suffix(c: &Option<Citation>) -> String {
    match c {
        Some(c) => format!("  {}", citation_text(c)),
        None => String::new(),
    }
}

pub(super) fn item_span(item: &Item) -> crate::syntax::span::Span {
    match item {
        Item::Facts(x) => x.span,
        Item::Enum(x) => x.span,
        Item::Record(x) => x.span,
        Item::Rule(x) => x.span,
        Item::Exception(x) => x.span,
        Item::Table(x) => x.span,
        Item::Test(x) => x.span,
        Item::Calendar(x) => x.span,
    }
}

/// A test's `given` and `expect` lines in source order.
enum TestLine<'a> {
    Given(&'a Given),
    Expect(&'a Expect),
}

impl TestLine<'_> {
    fn start(&self) -> u32 {
        match self {
            TestLine::Given(g) => g.span.start,
            TestLine::Expect(x) => x.span.start,
        }
    }
}

impl Fmt<'_> {
    pub(super) fn module(&mut self, m: &Module) -> Doc {
        let header = self
            .src
            .and_then(|s| s[..(m.name.span.start as usize).min(s.len())].rfind("module"));
        // The comments before the `module` keyword go above the header; one
        // between the keyword and the name ends the header's line.
        let mut parts = vec![self.leading(header.map_or(m.name.span.start, |h| h as u32))];
        // An empty line between opening comments and the header stays.
        if !must_be_empty(&parts[0]) && header.is_some_and(|h| self.blank_before(h as u32)) {
            parts.push(Doc::HardLine);
        }
        parts.push(doc_lines(&m.doc));
        parts.push(text(format!("module {}", m.name.node)));
        parts.push(self.trailing(m.name.span.end));
        if let Some(a) = &m.article {
            parts.push(self.trailing(a.number.span.start));
            parts.push(Doc::HardLine);
            parts.push(self.leading(a.number.span.start));
            let title = a
                .title
                .as_ref()
                .map(|t| format!(" {}", string_lit(t)))
                .unwrap_or_default();
            parts.push(text(format!("article {}{title}", a.number.node)));
        }
        if let Some(s) = &m.source {
            parts.push(self.trailing(s.span.start));
            parts.push(Doc::HardLine);
            parts.push(self.leading(s.span.start));
            parts.push(text(format!("source {}", string_lit(s))));
        }
        let first_item = m.items.first().map_or(u32::MAX, |i| item_span(i).start);
        for (i, u) in m.uses.iter().enumerate() {
            if u.span.start < first_item {
                parts.push(self.trailing(u.span.start));
            }
            parts.push(Doc::HardLine);
            if i == 0 {
                parts.push(Doc::HardLine);
            }
            if u.span.start < first_item {
                parts.push(self.leading(u.span.start));
            }
            let names: Vec<&str> = u.names.iter().map(|n| n.node.as_str()).collect();
            parts.push(text(match names.as_slice() {
                [one] => format!("use {}.{one}", u.module.node),
                _ => format!("use {}.{{{}}}", u.module.node, names.join(", ")),
            }));
        }
        let end = self.src.map_or(u32::MAX, |s| s.len() as u32 + 1);
        let block = self.lines(&m.items, |i| item_span(i).start, |f, _, i| f.item(i), end, true);
        parts.push(block.head);
        if let Some(items) = block.body {
            parts.push(Doc::HardLine);
            parts.push(Doc::HardLine);
            parts.push(items);
        }
        concat(parts)
    }

    pub(super) fn item(&mut self, item: &Item) -> Doc {
        match item {
            Item::Facts(f) => {
                let head = if f.prefix.is_empty() {
                    "facts ".to_string()
                } else {
                    format!("facts {} ", path_text(&f.prefix))
                };
                concat(vec![doc_lines(&f.doc), text(head), self.fact_block(f)])
            }
            Item::Enum(e) => self.enum_decl(e),
            Item::Record(r) => self.record_decl(r),
            Item::Rule(r) => self.rule_decl(r),
            Item::Exception(x) => {
                let head = format!("exception to {}{}", path_text(&x.target), citation_suffix(&x.citation));
                let head_comments = self.trailing(x.branches.first().map_or(x.span.end, |b| b.span.start));
                let branches = self.branches(&x.branches, None);
                concat(vec![
                    doc_lines(&x.doc),
                    text(head),
                    head_comments,
                    nest(2, concat(vec![Doc::HardLine, branches])),
                ])
            }
            Item::Table(t) => self.table_decl(t),
            Item::Test(t) => self.test_decl(t),
            Item::Calendar(c) => {
                // Each entry starts at its first name (the keys have no spans).
                let at = |names: &[Ident]| names.first().map_or(c.span.start, |n| n.span.start);
                let mut entries = vec![(at(&c.weekend), format!("weekend: {}", path_text_comma(&c.weekend)))];
                if !c.holidays.is_empty() {
                    entries.push((at(&c.holidays), format!("holidays: {}", path_text(&c.holidays))));
                }
                if let Some(cl) = &c.closures {
                    entries.push((at(cl), format!("closures: {}", path_text(cl))));
                }
                entries.sort_by_key(|e| e.0);
                let end = c.span.end.saturating_sub(1);
                let inner = self.lines(&entries, |e| e.0, |_, _, e| text(e.1.clone()), end, false);
                concat(vec![
                    doc_lines(&c.doc),
                    text(format!("calendar {}{} ", c.name.node, citation_suffix(&c.citation))),
                    braces(inner),
                ])
            }
        }
    }

    /// `{ entries }` of a facts block or group.
    fn fact_block(&mut self, f: &FactsBlock) -> Doc {
        let start = |e: &FactEntry| match e {
            FactEntry::Fact(d) => d.span.start,
            FactEntry::Group(g) => g.span.start,
        };
        let inner = self.lines(
            &f.entries,
            start,
            |me, _, e| match e {
                FactEntry::Fact(d) => me.fact_decl(d),
                FactEntry::Group(g) => concat(vec![
                    doc_lines(&g.doc),
                    text(format!("{} ", path_text(&g.prefix))),
                    me.fact_block(g),
                ]),
            },
            f.span.end.saturating_sub(1),
            false,
        );
        braces(inner)
    }

    /// `name: T = default` (with its doc).
    pub(super) fn fact_decl(&mut self, d: &FactDecl) -> Doc {
        let mut parts = vec![
            doc_lines(&d.doc),
            text(format!("{}: {}", d.name.node, type_text(&d.ty))),
        ];
        if let Some(v) = &d.default {
            parts.push(text(" = "));
            parts.push(self.expr(v));
        }
        concat(parts)
    }

    fn enum_decl(&mut self, e: &EnumDecl) -> Doc {
        let end = e.span.end.saturating_sub(1);
        let flat = e.variants.iter().all(|v| v.doc.is_none()) && self.pending_before(end).is_none();
        let variant = |v: &Variant| match &v.external {
            Some(x) => format!("{} = {}", v.name.node, string_lit(x)),
            None => v.name.node.clone(),
        };
        let head = concat(vec![doc_lines(&e.doc), text(format!("enum {} ", e.name.node))]);
        if flat {
            let names = e.variants.iter().map(|v| text(variant(v))).collect();
            return concat(vec![
                head,
                one_line_or_block(join(names, &concat(vec![text(","), Doc::Line]))),
            ]);
        }
        let n = e.variants.len();
        let inner = self.lines(
            &e.variants,
            |v| v.name.span.start,
            |_, i, v| {
                let comma = if i + 1 < n { "," } else { "" };
                concat(vec![doc_lines(&v.doc), text(format!("{}{comma}", variant(v)))])
            },
            end,
            false,
        );
        concat(vec![head, braces(inner)])
    }

    fn record_decl(&mut self, r: &RecordDecl) -> Doc {
        let end = r.span.end.saturating_sub(1);
        let flat =
            r.fields.iter().all(|f| f.doc.is_none() && f.default.is_none()) && self.pending_before(end).is_none();
        let head = concat(vec![doc_lines(&r.doc), text(format!("record {} ", r.name.node))]);
        if flat {
            let fields = r
                .fields
                .iter()
                .map(|f| text(format!("{}: {}", f.name.node, type_text(&f.ty))))
                .collect();
            return concat(vec![
                head,
                one_line_or_block(join(fields, &concat(vec![Doc::IfFlat(",".into()), Doc::Line]))),
            ]);
        }
        let inner = self.lines(&r.fields, |f| f.span.start, |me, _, f| me.fact_decl(f), end, false);
        concat(vec![head, braces(inner)])
    }

    fn rule_decl(&mut self, r: &RuleDecl) -> Doc {
        let kw = if r.is_fn { "fn" } else { "rule" };
        let params = match &r.params {
            None => String::new(),
            Some(ps) => format!(
                "({})",
                ps.iter()
                    .map(|p| format!("{}: {}", p.name.node, type_text(&p.ty)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let head = format!(
            "{kw} {}{params}: {}{}",
            r.name.node,
            type_text(&r.ty),
            citation_suffix(&r.citation)
        );
        let body_start = match &r.body {
            Body::Expr(e) => e.span.start,
            Body::Cases(c) => c.span.start,
        };
        // The first comment at the end of the head's line stays there; any other
        // before the body (`rule a: // c1⏎ days source "x" // c2⏎ = …`) goes on a
        // line of its own above the body, where a second formatting leaves it.
        let head_comment = match self.pending_before(body_start).filter(|c| !c.own_line) {
            Some(c) => {
                let d = Doc::Suffix(c.text.clone());
                self.next += 1;
                d
            }
            None => Doc::Concat(Vec::new()),
        };
        let mut between = Vec::new();
        while let Some(c) = self.pending_before(body_start) {
            between.extend([text(c.text.clone()), Doc::HardLine]);
            self.next += 1;
        }
        let body = match &r.body {
            Body::Expr(e) => concat(vec![text("= "), super::doc::align(self.expr(e))]),
            Body::Cases(c) => self.branches(&c.branches, c.otherwise.as_deref()),
        };
        concat(vec![
            doc_lines(&r.doc),
            text(head),
            head_comment,
            nest(2, concat(vec![Doc::HardLine, Doc::Concat(between), body])),
        ])
    }

    fn table_decl(&mut self, t: &TableDecl) -> Doc {
        let keys = t.keys.iter().map(type_text).collect::<Vec<_>>().join(", ");
        let head = format!(
            "table {}: {} by {keys}{} ",
            t.name.node,
            type_text(&t.ty),
            citation_suffix(&t.citation)
        );
        let rows = self.rows(&t.rows, t.span.end.saturating_sub(1));
        concat(vec![doc_lines(&t.doc), text(head), braces(rows)])
    }

    /// Table rows, values lined up when every key of the block is one line.
    fn rows(&mut self, rows: &[TableRow], end: u32) -> Block {
        let keys: Vec<String> = rows.iter().map(|r| self.row_key(r)).collect();
        let pad = keys.iter().map(|k| k.chars().count()).max().unwrap_or(0);
        let align_values = rows.iter().all(|r| matches!(r.value, TableValue::Value(_)));
        self.lines(
            rows,
            |r| r.span.start,
            |me, i, r| {
                let key = &keys[i];
                let value = match &r.value {
                    TableValue::Value(v) => {
                        let pad = if align_values { pad - key.chars().count() } else { 0 };
                        concat(vec![text(" ".repeat(pad + 1)), me.expr(v)])
                    }
                    TableValue::Nested(rows) => {
                        concat(vec![text(" "), braces(me.rows(rows, r.span.end.saturating_sub(1)))])
                    }
                };
                concat(vec![doc_lines(&r.doc), text(key.clone()), value])
            },
            end,
            false,
        )
    }

    /// `from 2016-01-10 "note":` or `al3_a:`.
    fn row_key(&self, r: &TableRow) -> String {
        let key = match &r.key {
            TableKey::From(d) => format!("from {}", date_text(d)),
            TableKey::Key(e) => match &e.node {
                ExprKind::Lit(l) => self.literal(l, e.span),
                ExprKind::Path(p) => path_text(p),
                _ => "none".to_string(),
            },
        };
        match &r.note {
            Some(n) => format!("{key} {}:", string_lit(n)),
            None => format!("{key}:"),
        }
    }

    fn test_decl(&mut self, t: &TestDecl) -> Doc {
        let mut lines: Vec<TestLine> = t.givens.iter().map(TestLine::Given).collect();
        lines.extend(t.expects.iter().map(TestLine::Expect));
        lines.sort_by_key(TestLine::start);
        let inner = self.lines(
            &lines,
            TestLine::start,
            |me, _, l| match l {
                TestLine::Given(g) => concat(vec![
                    text(format!("given {} = ", path_text(&g.path))),
                    me.expr(&g.value),
                ]),
                TestLine::Expect(x) => match &x.value {
                    Some(v) => concat(vec![text(format!("expect {} = ", path_text(&x.rule))), me.expr(v)]),
                    None => text(format!("expect error {}", path_text(&x.rule))),
                },
            },
            t.span.end.saturating_sub(1),
            false,
        );
        concat(vec![
            doc_lines(&t.doc),
            text(format!("test {} ", string_lit(&t.name))),
            braces(inner),
        ])
    }
}

fn must_be_empty(d: &Doc) -> bool {
    matches!(d, Doc::Concat(v) if v.is_empty())
}

fn path_text_comma(names: &[Ident]) -> String {
    names.iter().map(|n| n.node.as_str()).collect::<Vec<_>>().join(", ")
}

/// `{ a, b }` on one line when it fits, else one entry a line.
fn one_line_or_block(entries: Doc) -> Doc {
    if flat_width(&entries) == Some(0) {
        return text("{}");
    }
    group(concat(vec![
        text("{"),
        nest(2, concat(vec![Doc::Line, entries])),
        Doc::Line,
        text("}"),
    ]))
}
