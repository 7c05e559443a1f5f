//! Comparing syntax trees without positions.
//!
//! [`Spanned`] leaves its span out of equality, but the plain `span: Span` fields
//! of items, branches, tests and citations compare (the checker relies on them
//! to tell declarations apart). These functions return copies with every such
//! span cleared, so `==` compares the text's structure only: the formatter checks
//! `parse(fmt(x))` against `parse(x)` with [`same_tree`], and `cba diff` compares
//! rules by meaning with [`strip_item`] (docs and comments dropped too).

use super::ast::*;
use super::span::Span;

/// What to keep besides the structure.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Doc comments and plain comments (formatting changes nothing else).
    Comments,
    /// Neither: only what the rules mean.
    Meaning,
}

/// Equal modules up to positions (docs and comments compared as text).
pub fn same_tree(a: &Module, b: &Module) -> bool {
    strip_module(a, Keep::Comments) == strip_module(b, Keep::Comments)
}

/// A copy of `m` without positions (and without docs and comments for
/// [`Keep::Meaning`]).
pub fn strip_module(m: &Module, keep: Keep) -> Module {
    let mut m = m.clone();
    let Module {
        doc,
        name: _,
        article: _,
        source,
        uses,
        items,
        comments,
    } = &mut m;
    if keep == Keep::Meaning {
        *doc = None;
        comments.clear();
    }
    for u in uses {
        u.span = Span::default();
    }
    if let Some(s) = source {
        s.span = Span::default();
    }
    for i in items {
        strip_item_in_place(i, keep);
    }
    m
}

/// A copy of one item without positions (and docs, for [`Keep::Meaning`]).
pub fn strip_item(item: &Item, keep: Keep) -> Item {
    let mut item = item.clone();
    strip_item_in_place(&mut item, keep);
    item
}

struct Stripper {
    docs: bool,
    /// When set, literals are taken out of expressions (replaced by `none`) and
    /// collected here in order.
    literals: Option<std::cell::RefCell<Vec<Literal>>>,
}

impl Stripper {
    fn doc(&self, d: &mut Option<String>) {
        if self.docs {
            *d = None;
        }
    }
}

/// The item's meaning with every literal replaced by `none`, and the literals in
/// order: two items with equal templates differ only in their constants.
pub fn template(item: &Item) -> (Item, Vec<Literal>) {
    let mut item = item.clone();
    let s = Stripper {
        docs: true,
        literals: Some(Default::default()),
    };
    s.item(&mut item);
    (item, s.literals.map(|l| l.into_inner()).unwrap_or_default())
}

fn strip_item_in_place(item: &mut Item, keep: Keep) {
    let s = Stripper {
        docs: keep == Keep::Meaning,
        literals: None,
    };
    s.item(item)
}

impl Stripper {
    fn item(&self, item: &mut Item) {
        let s = self;
        match item {
            Item::Facts(f) => s.facts(f),
            Item::Enum(EnumDecl {
                doc,
                name: _,
                variants,
                span,
            }) => {
                s.doc(doc);
                *span = Span::default();
                for v in variants {
                    s.doc(&mut v.doc);
                }
            }
            Item::Record(RecordDecl {
                doc,
                name: _,
                fields,
                span,
            }) => {
                s.doc(doc);
                *span = Span::default();
                for f in fields {
                    s.fact(f);
                }
            }
            Item::Rule(RuleDecl {
                doc,
                is_fn: _,
                name: _,
                params: _,
                ty: _,
                citation,
                body,
                span,
            }) => {
                s.doc(doc);
                *span = Span::default();
                s.citation(citation);
                match body {
                    Body::Expr(e) => s.expr(e),
                    Body::Cases(c) => s.cases(c),
                }
            }
            Item::Exception(ExceptionDecl {
                doc,
                target: _,
                citation,
                branches,
                span,
            }) => {
                s.doc(doc);
                *span = Span::default();
                s.citation(citation);
                for b in branches {
                    s.branch(b);
                }
            }
            Item::Table(TableDecl {
                doc,
                name: _,
                ty: _,
                keys: _,
                citation,
                rows,
                span,
            }) => {
                s.doc(doc);
                *span = Span::default();
                s.citation(citation);
                s.rows(rows);
            }
            Item::Test(TestDecl {
                doc,
                name: _,
                givens,
                expects,
                span,
            }) => {
                s.doc(doc);
                *span = Span::default();
                for g in givens {
                    g.span = Span::default();
                    s.expr(&mut g.value);
                }
                for x in expects {
                    x.span = Span::default();
                    if let Some(v) = &mut x.value {
                        s.expr(v);
                    }
                }
            }
            Item::Calendar(CalendarDecl {
                doc,
                name: _,
                citation,
                weekend: _,
                holidays: _,
                closures: _,
                span,
            }) => {
                s.doc(doc);
                *span = Span::default();
                s.citation(citation);
            }
        }
    }

    fn facts(&self, f: &mut FactsBlock) {
        self.doc(&mut f.doc);
        f.span = Span::default();
        for e in &mut f.entries {
            match e {
                FactEntry::Fact(d) => self.fact(d),
                FactEntry::Group(g) => self.facts(g),
            }
        }
    }

    fn fact(&self, f: &mut FactDecl) {
        self.doc(&mut f.doc);
        f.span = Span::default();
        if let Some(d) = &mut f.default {
            self.expr(d);
        }
    }

    fn citation(&self, c: &mut Option<Citation>) {
        if let Some(c) = c {
            c.span = Span::default();
        }
    }

    fn rows(&self, rows: &mut [TableRow]) {
        for r in rows {
            self.doc(&mut r.doc);
            r.span = Span::default();
            if let TableKey::Key(k) = &mut r.key {
                self.expr(k);
            }
            match &mut r.value {
                TableValue::Value(v) => self.expr(v),
                TableValue::Nested(rows) => self.rows(rows),
            }
        }
    }

    fn cases(&self, c: &mut Cases) {
        c.span = Span::default();
        for b in &mut c.branches {
            self.branch(b);
        }
        if let Some(o) = &mut c.otherwise {
            self.expr(o);
        }
    }

    fn branch(&self, b: &mut Branch) {
        b.span = Span::default();
        self.expr(&mut b.cond);
        self.expr(&mut b.value);
    }

    fn comp(&self, c: &mut Comprehension) {
        self.expr(&mut c.element);
        self.expr(&mut c.list);
        if let Some(f) = &mut c.filter {
            self.expr(f);
        }
    }

    fn expr(&self, e: &mut Expr) {
        match &mut e.node {
            ExprKind::Lit(l) => {
                if let Some(out) = &self.literals {
                    out.borrow_mut().push(std::mem::replace(l, Literal::None));
                }
            }
            ExprKind::Path(_) => {}
            ExprKind::Field(x, _)
            | ExprKind::Unary(_, x)
            | ExprKind::WithUnit(x, _)
            | ExprKind::Error(x)
            | ExprKind::Paren(x) => self.expr(x),
            ExprKind::Call(_, args) | ExprKind::List(args) => args.iter_mut().for_each(|a| self.expr(a)),
            ExprKind::CallGen(_, c) | ExprKind::ListComp(c) => self.comp(c),
            ExprKind::Sort { var: _, list, keys } => {
                self.expr(list);
                keys.iter_mut().for_each(|(k, _)| self.expr(k));
            }
            ExprKind::Fold {
                acc: _,
                init,
                var: _,
                list,
                body,
            } => {
                self.expr(init);
                self.expr(list);
                self.expr(body);
            }
            ExprKind::Index(base, keys) => {
                self.expr(base);
                keys.iter_mut().for_each(|k| self.expr(k));
            }
            ExprKind::Binary(_, a, b) | ExprKind::Let(_, a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::If(a, b, c) => {
                self.expr(a);
                self.expr(b);
                self.expr(c);
            }
            ExprKind::Cases(c) => self.cases(c),
            ExprKind::Record(_, fields) => fields.iter_mut().for_each(|(_, v)| self.expr(v)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_module;
    use crate::syntax::span::FileId;

    fn parse(src: &str) -> Module {
        parse_module(src, FileId(0)).0.expect("parses")
    }

    #[test]
    fn positions_do_not_matter() {
        let a = parse("module m\nrule x: int\n  when true => 1\n  otherwise => 2 // c");
        let b = parse("module m\n\n\nrule x: int when true => 1 otherwise => 2\n// c");
        assert_ne!(a, b, "plain span fields compare");
        assert!(same_tree(&a, &b));
    }

    #[test]
    fn comments_and_docs_matter_unless_meaning() {
        let a = parse("module m\n/// one\nrule x: int = 1 // c");
        let b = parse("module m\n/// two\nrule x: int = 1");
        assert!(!same_tree(&a, &b));
        assert_eq!(strip_module(&a, Keep::Meaning), strip_module(&b, Keep::Meaning));
    }
}
