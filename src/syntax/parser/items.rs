//! Lowering of the module header and the items.

use super::{E_CALENDAR_DUPLICATE, E_EXCEPTION_OTHERWISE, Lower, P, Rule, doc_text};
use crate::diag::Diagnostic;
use crate::syntax::ast::*;
use crate::syntax::span::{Span, Spanned};

impl Lower {
    pub(super) fn lower_module(&self, p: P<'_>) -> Module {
        let mut doc = None;
        let mut name = None;
        let mut article = None;
        let mut source = None;
        let mut uses = Vec::new();
        let mut items = Vec::new();
        for k in self.kids(p) {
            match k.as_rule() {
                Rule::doc => doc = Some(doc_text(&k)),
                Rule::ident => name = Some(self.ident(&k)),
                Rule::article => article = Some(self.lower_article(k)),
                Rule::module_source => {
                    source = self
                        .kids(k)
                        .into_iter()
                        .next()
                        .and_then(|c| self.kids(c).into_iter().next())
                        .map(|s| self.lower_string(s));
                }
                Rule::use_decl => uses.push(self.lower_use_decl(k)),
                Rule::item => items.push(self.lower_item(k)),
                _ => {}
            }
        }
        Module {
            doc,
            name: name.unwrap_or_default(),
            article,
            source,
            uses,
            items,
            comments: Vec::new(),
        }
    }

    fn lower_article(&self, p: P<'_>) -> Article {
        let mut number = Spanned::default();
        let mut title = None;
        for k in self.kids(p) {
            match k.as_rule() {
                Rule::int_lit => number = self.lower_small_int(&k),
                Rule::string => title = Some(self.lower_string(k)),
                _ => {}
            }
        }
        Article { number, title }
    }

    fn lower_use_decl(&self, p: P<'_>) -> Use {
        let span = self.span(&p);
        let mut module = Spanned::default();
        let mut names = Vec::new();
        for k in self.kids(p) {
            match k.as_rule() {
                Rule::ident => module = self.ident(&k),
                Rule::use_name => names.push(self.ident(&k)),
                Rule::use_group => names.extend(self.kids(k).iter().map(|n| self.ident(n))),
                _ => {}
            }
        }
        Use { module, names, span }
    }

    fn lower_item(&self, p: P<'_>) -> Item {
        let mut doc = None;
        let mut item = None;
        for k in self.kids(p) {
            item = Some(match k.as_rule() {
                Rule::doc => {
                    doc = Some(doc_text(&k));
                    continue;
                }
                Rule::facts_block => Item::Facts(self.lower_facts_block(k, doc.take())),
                Rule::enum_decl => Item::Enum(self.lower_enum_decl(k, doc.take())),
                Rule::record_decl => Item::Record(self.lower_record_decl(k, doc.take())),
                Rule::rule_decl => Item::Rule(self.lower_rule_decl(k, doc.take())),
                Rule::exception_decl => Item::Exception(self.lower_exception_decl(k, doc.take())),
                Rule::table_decl => Item::Table(self.lower_table_decl(k, doc.take())),
                Rule::test_decl => Item::Test(self.lower_test_decl(k, doc.take())),
                Rule::calendar_decl => Item::Calendar(self.lower_calendar_decl(k, doc.take())),
                _ => continue,
            });
        }
        // The grammar guarantees one item; an empty facts block stands in otherwise.
        item.unwrap_or_else(|| {
            Item::Facts(FactsBlock {
                doc: None,
                prefix: Vec::new(),
                entries: Vec::new(),
                span: Default::default(),
            })
        })
    }

    fn lower_dotted(&self, p: P<'_>) -> Vec<Ident> {
        self.kids(p).iter().map(|k| self.ident(k)).collect()
    }

    /// `facts prefix { entries }` and the nested `group { entries }`.
    fn lower_facts_block(&self, p: P<'_>, doc: Option<String>) -> FactsBlock {
        let span = self.span(&p);
        let mut prefix = Vec::new();
        let mut entries = Vec::new();
        for k in self.kids(p) {
            match k.as_rule() {
                Rule::dotted => prefix = self.lower_dotted(k),
                Rule::fact_entry => entries.push(self.lower_fact_entry(k)),
                _ => {}
            }
        }
        FactsBlock {
            doc,
            prefix,
            entries,
            span,
        }
    }

    fn lower_fact_entry(&self, p: P<'_>) -> FactEntry {
        let mut doc = None;
        let mut entry = None;
        for k in self.kids(p) {
            match k.as_rule() {
                Rule::doc => doc = Some(doc_text(&k)),
                Rule::fact_decl => entry = Some(FactEntry::Fact(self.lower_fact_decl(k, doc.take()))),
                Rule::fact_group => entry = Some(FactEntry::Group(self.lower_facts_block(k, doc.take()))),
                _ => {}
            }
        }
        entry.unwrap_or_else(|| {
            FactEntry::Group(FactsBlock {
                doc: None,
                prefix: Vec::new(),
                entries: Vec::new(),
                span: Default::default(),
            })
        })
    }

    /// `name: T = default` (facts and record fields).
    fn lower_fact_decl(&self, p: P<'_>, doc: Option<String>) -> FactDecl {
        let span = self.span(&p);
        let mut name = Spanned::default();
        let mut ty = Spanned::new(TypeExprKind::Named(String::new()), span);
        let mut default = None;
        for k in self.kids(p) {
            match k.as_rule() {
                Rule::ident => name = self.ident(&k),
                Rule::type_expr => ty = self.lower_type_expr(k),
                Rule::default => default = self.kids(k).into_iter().next().map(|e| self.lower_expr(e)),
                _ => {}
            }
        }
        FactDecl {
            doc,
            name,
            ty,
            default,
            span,
        }
    }

    fn lower_enum_decl(&self, p: P<'_>, doc: Option<String>) -> EnumDecl {
        let span = self.span(&p);
        let mut name = Spanned::default();
        let mut variants = Vec::new();
        for k in self.kids(p) {
            match k.as_rule() {
                Rule::type_name => name = self.ident(&k),
                Rule::variant => variants.push(self.lower_variant(k)),
                _ => {}
            }
        }
        EnumDecl {
            doc,
            name,
            variants,
            span,
        }
    }

    fn lower_variant(&self, p: P<'_>) -> Variant {
        let mut v = Variant {
            doc: None,
            name: Spanned::default(),
            external: None,
        };
        for k in self.kids(p) {
            match k.as_rule() {
                Rule::doc => v.doc = Some(doc_text(&k)),
                Rule::ident => v.name = self.ident(&k),
                Rule::string => v.external = Some(self.lower_string(k)),
                _ => {}
            }
        }
        v
    }

    fn lower_record_decl(&self, p: P<'_>, doc: Option<String>) -> RecordDecl {
        let span = self.span(&p);
        let mut name = Spanned::default();
        let mut fields = Vec::new();
        for k in self.kids(p) {
            match k.as_rule() {
                Rule::type_name => name = self.ident(&k),
                Rule::record_field => fields.push(self.lower_record_field(k)),
                _ => {}
            }
        }
        RecordDecl {
            doc,
            name,
            fields,
            span,
        }
    }

    fn lower_record_field(&self, p: P<'_>) -> FactDecl {
        let mut doc = None;
        let mut field = None;
        for k in self.kids(p) {
            match k.as_rule() {
                Rule::doc => doc = Some(doc_text(&k)),
                Rule::fact_decl => field = Some(self.lower_fact_decl(k, doc.take())),
                _ => {}
            }
        }
        field.unwrap_or_else(|| FactDecl {
            doc: None,
            name: Spanned::default(),
            ty: Spanned::new(TypeExprKind::Named(String::new()), Default::default()),
            default: None,
            span: Default::default(),
        })
    }

    fn lower_rule_decl(&self, p: P<'_>, doc: Option<String>) -> RuleDecl {
        let span = self.span(&p);
        let mut rule = RuleDecl {
            doc,
            is_fn: false,
            name: Spanned::default(),
            params: None,
            ty: Spanned::new(TypeExprKind::Named(String::new()), span),
            citation: None,
            body: Body::Expr(Spanned::new(ExprKind::Lit(Literal::None), span)),
            span,
        };
        for k in self.kids(p) {
            match k.as_rule() {
                Rule::rule_kw => rule.is_fn = k.into_inner().any(|w| w.as_rule() == Rule::kw_fn),
                Rule::ident => rule.name = self.ident(&k),
                Rule::params => rule.params = Some(self.lower_params(k)),
                Rule::type_expr => rule.ty = self.lower_type_expr(k),
                Rule::citation => rule.citation = Some(self.lower_citation(k)),
                Rule::body_expr => {
                    if let Some(e) = self.kids(k).into_iter().next() {
                        rule.body = Body::Expr(self.lower_expr(e));
                    }
                }
                Rule::cases => rule.body = Body::Cases(self.lower_cases(k)),
                _ => {}
            }
        }
        rule
    }

    fn lower_params(&self, p: P<'_>) -> Vec<Param> {
        self.kids(p).into_iter().map(|k| self.lower_param(k)).collect()
    }

    fn lower_param(&self, p: P<'_>) -> Param {
        let span = self.span(&p);
        let mut name = Spanned::default();
        let mut ty = Spanned::new(TypeExprKind::Named(String::new()), span);
        for k in self.kids(p) {
            match k.as_rule() {
                Rule::ident => name = self.ident(&k),
                Rule::type_expr => ty = self.lower_type_expr(k),
                _ => {}
            }
        }
        Param { name, ty }
    }

    fn lower_exception_decl(&self, p: P<'_>, doc: Option<String>) -> ExceptionDecl {
        let span = self.span(&p);
        let mut target = Vec::new();
        let mut citation = None;
        let mut branches = Vec::new();
        for k in self.kids(p) {
            match k.as_rule() {
                Rule::dotted => target = self.lower_dotted(k),
                Rule::citation => citation = Some(self.lower_citation(k)),
                Rule::cases => {
                    let cases = self.lower_cases(k);
                    if let Some(other) = cases.otherwise {
                        self.report(
                            Diagnostic::error(
                                E_EXCEPTION_OTHERWISE,
                                "an exception cannot have `otherwise`",
                                other.span,
                                "the rule's own branches decide when no exception applies",
                            )
                            .with_help("remove the `otherwise` branch"),
                        );
                    }
                    branches = cases.branches;
                }
                _ => {}
            }
        }
        ExceptionDecl {
            doc,
            target,
            citation,
            branches,
            span,
        }
    }

    fn lower_table_decl(&self, p: P<'_>, doc: Option<String>) -> TableDecl {
        let span = self.span(&p);
        let mut table = TableDecl {
            doc,
            name: Spanned::default(),
            ty: Spanned::new(TypeExprKind::Named(String::new()), span),
            keys: Vec::new(),
            citation: None,
            rows: Vec::new(),
            span,
        };
        for k in self.kids(p) {
            match k.as_rule() {
                Rule::ident => table.name = self.ident(&k),
                Rule::type_expr => table.ty = self.lower_type_expr(k),
                Rule::table_keys => table.keys = self.kids(k).into_iter().map(|t| self.lower_type_expr(t)).collect(),
                Rule::citation => table.citation = Some(self.lower_citation(k)),
                Rule::table_row => table.rows.push(self.lower_table_row(k)),
                _ => {}
            }
        }
        table
    }

    fn lower_table_row(&self, p: P<'_>) -> TableRow {
        let span = self.span(&p);
        let mut row = TableRow {
            doc: None,
            key: TableKey::Key(Spanned::new(ExprKind::Lit(Literal::None), span)),
            note: None,
            value: TableValue::Nested(Vec::new()),
            span,
        };
        for k in self.kids(p) {
            match k.as_rule() {
                Rule::doc => row.doc = Some(doc_text(&k)),
                Rule::table_key => row.key = self.lower_table_key(k),
                Rule::row_note => row.note = Some(self.lower_string(k)),
                Rule::table_value => row.value = self.lower_table_value(k),
                _ => {}
            }
        }
        row
    }

    fn lower_table_key(&self, p: P<'_>) -> TableKey {
        let span = self.span(&p);
        for k in self.kids(p) {
            match k.as_rule() {
                Rule::from_key => {
                    if let Some(d) = self.kids(k).into_iter().next() {
                        let dspan = self.span(&d);
                        return TableKey::From(Spanned::new(self.lower_date(&d), dspan));
                    }
                }
                Rule::key_lit => {
                    if let Some(lit) = self.kids(k).into_iter().next() {
                        return TableKey::Key(self.lower_key_lit(lit));
                    }
                }
                _ => {}
            }
        }
        TableKey::Key(Spanned::new(ExprKind::Lit(Literal::None), span))
    }

    fn lower_key_lit(&self, p: P<'_>) -> Expr {
        let span = self.span(&p);
        match p.as_rule() {
            Rule::key_path => {
                let names = self.kids(p).iter().map(|n| self.ident(n)).collect();
                Spanned::new(ExprKind::Path(names), span)
            }
            _ => self.lower_literal(p).0,
        }
    }

    fn lower_table_value(&self, p: P<'_>) -> TableValue {
        let span = self.span(&p);
        for k in self.kids(p) {
            match k.as_rule() {
                Rule::nested_rows => {
                    if !self.enter(span) {
                        return TableValue::Nested(Vec::new());
                    }
                    let rows = self.kids(k).into_iter().map(|r| self.lower_table_row(r)).collect();
                    self.leave();
                    return TableValue::Nested(rows);
                }
                Rule::expr => return TableValue::Value(self.lower_expr(k)),
                _ => {}
            }
        }
        TableValue::Value(Spanned::new(ExprKind::Lit(Literal::None), span))
    }

    fn lower_test_decl(&self, p: P<'_>, doc: Option<String>) -> TestDecl {
        let span = self.span(&p);
        let mut test = TestDecl {
            doc,
            name: Spanned::default(),
            givens: Vec::new(),
            expects: Vec::new(),
            span,
        };
        for k in self.kids(p) {
            let kspan = self.span(&k);
            // A line's span ends where its last token does: the parser's span
            // runs on over the line break (and any comment) to the next token.
            let tight = |path: &[Ident], value: Option<&Expr>| {
                let end = value.map(|v| v.span.end).or(path.last().map(|p| p.span.end));
                match end {
                    Some(end) if end > kspan.start && end <= kspan.end => Span { end, ..kspan },
                    _ => kspan,
                }
            };
            match k.as_rule() {
                Rule::string => test.name = self.lower_string(k),
                Rule::given => {
                    let (path, value) = self.lower_path_value(k);
                    let span = tight(&path, value.as_ref());
                    let value = value.unwrap_or_else(|| Spanned::new(ExprKind::Lit(Literal::None), kspan));
                    test.givens.push(Given { path, value, span });
                }
                Rule::expect | Rule::expect_error => {
                    let (rule, value) = self.lower_path_value(k);
                    let span = tight(&rule, value.as_ref());
                    test.expects.push(Expect { rule, value, span });
                }
                _ => {}
            }
        }
        test
    }

    /// `path = expr` (given, expect) or `error path` (expect error).
    fn lower_path_value(&self, p: P<'_>) -> (Vec<Ident>, Option<Expr>) {
        let mut path = Vec::new();
        let mut value = None;
        for k in self.kids(p) {
            match k.as_rule() {
                Rule::dotted => path = self.lower_dotted(k),
                Rule::expr => value = Some(self.lower_expr(k)),
                _ => {}
            }
        }
        (path, value)
    }

    fn lower_calendar_decl(&self, p: P<'_>, doc: Option<String>) -> CalendarDecl {
        let span = self.span(&p);
        let mut cal = CalendarDecl {
            doc,
            name: Spanned::default(),
            citation: None,
            weekend: Vec::new(),
            holidays: Vec::new(),
            closures: None,
            span,
        };
        let mut seen: Vec<Rule> = Vec::new();
        for k in self.kids(p) {
            let rule = k.as_rule();
            if matches!(rule, Rule::cal_weekend | Rule::cal_holidays | Rule::cal_closures) {
                if seen.contains(&rule) {
                    let what = k.as_str().split(':').next().unwrap_or("").trim().to_string();
                    self.report(
                        Diagnostic::error(
                            E_CALENDAR_DUPLICATE,
                            format!("`{what}` is given twice in this calendar"),
                            self.span(&k),
                            "second entry",
                        )
                        .with_help("keep one entry; list several values after one `:`"),
                    );
                }
                seen.push(rule);
            }
            match rule {
                Rule::ident => cal.name = self.ident(&k),
                Rule::citation => cal.citation = Some(self.lower_citation(k)),
                Rule::cal_weekend => cal.weekend = self.kids(k).iter().map(|d| self.ident(d)).collect(),
                Rule::cal_holidays => {
                    cal.holidays = self.kids(k).into_iter().flat_map(|d| self.lower_dotted(d)).collect()
                }
                Rule::cal_closures => {
                    cal.closures = Some(self.kids(k).into_iter().flat_map(|d| self.lower_dotted(d)).collect())
                }
                _ => {}
            }
        }
        cal
    }
}
