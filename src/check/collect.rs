//! First pass: declare every module, type, fact, rule and table, so bodies can
//! refer to items in any order.

use std::collections::HashMap;

use super::{Checker, ItemRef};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::ir::*;
use crate::syntax::ast;
use crate::syntax::span::{FileId, Span};
use crate::types::{BUILTIN_TYPE_NAMES, builtin_type};

impl Checker<'_> {
    pub(super) fn collect(&mut self, parsed: &[(FileId, ast::Module, bool)]) {
        // Modules.
        for (file, m, is_stdlib) in parsed {
            if let Some(&prev) = self.module_index.get(&m.name.node) {
                let prev_file = self.modules[prev].file;
                let prev_name = self.sources.get(prev_file).name.clone();
                self.error(
                    Diagnostic::error(
                        Code::DuplicateModule,
                        format!("module `{}` is declared twice", m.name.node),
                        m.name.span,
                        "second declaration",
                    )
                    .with_help(format!("rename one of the modules; the other is in `{prev_name}`")),
                );
            }
            let id = ModuleId::from_index(self.modules.len());
            self.declared(SymbolRef::Module(id), m.name.span);
            self.module_index.to_mut().insert(m.name.node.clone(), id);
            self.modules.to_mut().push(ModuleInfo {
                name: m.name.node.clone(),
                doc: m.doc.clone(),
                article: m.article.as_ref().map(|a| a.number.node),
                title: m
                    .article
                    .as_ref()
                    .and_then(|a| a.title.as_ref().map(|t| t.node.clone())),
                file: *file,
                is_stdlib: *is_stdlib,
            });
            self.module_items.to_mut().push(HashMap::new());
            self.imports.to_mut().push(HashMap::new());
        }
        // Item names.
        for (mid, (_, m, is_stdlib)) in parsed.iter().enumerate() {
            let mid = ModuleId::from_index(mid);
            for item in &m.items {
                let (name, r) = match item {
                    ast::Item::Enum(e) => {
                        let id = EnumId::from_index(self.enums.len());
                        self.enums.to_mut().push(EnumInfo {
                            name: e.name.node.clone(),
                            variants: Vec::new(),
                            external: Vec::new(),
                            span: e.name.span,
                        });
                        (&e.name, ItemRef::Enum(id))
                    }
                    ast::Item::Record(r) => {
                        let id = RecordId::from_index(self.records.len());
                        self.records.to_mut().push(RecordInfo {
                            name: r.name.node.clone(),
                            fields: Vec::new(),
                            span: r.name.span,
                        });
                        (&r.name, ItemRef::Record(id))
                    }
                    ast::Item::Rule(r) => {
                        let id = RuleId::from_index(self.rules.len());
                        self.rules.to_mut().push(RuleInfo {
                            module: mid,
                            name: r.name.node.clone(),
                            qualified: format!("{}.{}", m.name.node, r.name.node),
                            ty: Type::Error,
                            params: None,
                            citation: None,
                            doc: r.doc.clone(),
                            body: Expr {
                                kind: ExprKind::Const(crate::values::value::Value::None),
                                span: r.span,
                            },
                            locals: 0,
                            span: r.span,
                            name_span: r.name.span,
                            exceptions: Vec::new(),
                        });
                        self.deps.push(Vec::new());
                        (&r.name, ItemRef::Rule(id))
                    }
                    ast::Item::Table(t) => {
                        let id = TableId::from_index(self.tables.len());
                        self.tables.to_mut().push(TableInfo {
                            module: mid,
                            name: t.name.node.clone(),
                            qualified: format!("{}.{}", m.name.node, t.name.node),
                            ty: Type::Error,
                            keys: Vec::new(),
                            citation: None,
                            doc: t.doc.clone(),
                            rows: TableRows::Keyed(Vec::new()),
                            span: t.span,
                        });
                        (&t.name, ItemRef::Table(id))
                    }
                    _ => continue,
                };
                if let Some((_, prev)) = self.module_items[mid.index()].get(&name.node) {
                    let prev = *prev;
                    self.error(
                        Diagnostic::error(
                            Code::DuplicateItem,
                            format!("`{}` is declared twice in module `{}`", name.node, m.name.node),
                            name.span,
                            "declared again here",
                        )
                        .with_label(prev, "first declared here")
                        .with_help("rename one of them, or merge them into one rule with `when` branches"),
                    );
                    continue;
                }
                self.declared(r, name.span);
                self.module_items.to_mut()[mid.index()].insert(name.node.clone(), (r, name.span));
                if *is_stdlib {
                    self.prelude.to_mut().insert(name.node.clone(), r);
                }
            }
        }
        // Imports.
        for (mid, (_, m, _)) in parsed.iter().enumerate() {
            for u in &m.uses {
                let Some(&target) = self.module_index.get(&u.module.node) else {
                    let names: Vec<&str> = self.module_index.keys().map(String::as_str).collect();
                    let mut d = Diagnostic::error(
                        Code::UnknownModule,
                        format!("unknown module `{}`", u.module.node),
                        u.module.span,
                        "no module of this name",
                    );
                    if let Some(s) = did_you_mean(&u.module.node, names) {
                        d = d.with_help(format!("did you mean `{s}`?"));
                    }
                    self.error(d);
                    continue;
                };
                self.used(u.module.span, SymbolRef::Module(target));
                for n in &u.names {
                    match self.module_items[target.index()].get(&n.node).copied() {
                        Some((r, _)) => {
                            self.used(n.span, r);
                            self.imports.to_mut()[mid].insert(n.node.clone(), r);
                        }
                        None => {
                            let names: Vec<&str> =
                                self.module_items[target.index()].keys().map(String::as_str).collect();
                            let mut d = Diagnostic::error(
                                Code::UnknownImport,
                                format!("module `{}` has no item `{}`", u.module.node, n.node),
                                n.span,
                                "not found in that module",
                            );
                            if let Some(s) = did_you_mean(&n.node, names) {
                                d = d.with_help(format!("did you mean `{s}`?"));
                            }
                            self.error(d);
                        }
                    }
                }
            }
        }
        // Enum variants, record fields.
        for (mid, (_, m, _)) in parsed.iter().enumerate() {
            for item in &m.items {
                match item {
                    ast::Item::Enum(e) => self.declare_enum(ModuleId::from_index(mid), e),
                    ast::Item::Record(r) => self.declare_record(ModuleId::from_index(mid), r),
                    _ => {}
                }
            }
        }
        // Facts, rule signatures, table types.
        for (mid, (_, m, _)) in parsed.iter().enumerate() {
            let mid = ModuleId::from_index(mid);
            for item in &m.items {
                match item {
                    ast::Item::Facts(f) => self.declare_facts(mid, &[], f),
                    ast::Item::Rule(r) => self.declare_rule(mid, r),
                    ast::Item::Table(t) => self.declare_table(mid, t),
                    _ => {}
                }
            }
        }
        // A fact path must not name a rule.
        for r in self.rules.iter() {
            if let Some(&f) = self.fact_index.get(&r.qualified) {
                let d = Diagnostic::error(
                    Code::RuleNamedLikeFact,
                    format!("rule `{}` has the same name as a fact", r.qualified),
                    r.name_span,
                    "this rule",
                )
                .with_label(self.facts[f].span, "the fact")
                .with_help("rename the rule: a dotted name must mean one thing");
                self.diags.push(d);
            }
        }
    }

    /// The item `name` means in `module` (an expression's module, past the
    /// tables, sees the standard library only).
    fn lookup_item(&self, module: ModuleId, name: &str) -> Option<ItemRef> {
        self.module_items
            .get(module.index())
            .and_then(|m| m.get(name))
            .map(|(r, _)| *r)
            .or_else(|| self.imports.get(module.index()).and_then(|m| m.get(name)).copied())
            .or_else(|| self.prelude.get(name).copied())
    }

    pub(super) fn item(&self, module: ModuleId, name: &str) -> Option<ItemRef> {
        self.lookup_item(module, name)
    }

    /// The item a written name means: `name` as seen from `module`, or `module.name`.
    pub(super) fn item_at(&self, module: ModuleId, segs: &[ast::Ident]) -> Option<ItemRef> {
        match segs {
            [one] => self.item(module, &one.node),
            [m, r] => self.module_items[(*self.module_index.get(&m.node)?).index()]
                .get(&r.node)
                .map(|x| x.0),
            _ => None,
        }
    }

    /// The rule (without parameters: a query) a written name means.
    pub(super) fn query_at(&self, module: ModuleId, segs: &[ast::Ident]) -> Option<RuleId> {
        match self.item_at(module, segs)? {
            ItemRef::Rule(id) if self.rules[id].params.is_none() => Some(id),
            _ => None,
        }
    }

    /// Resolves a written type in a module.
    pub(super) fn resolve_type(&mut self, module: ModuleId, t: &ast::TypeExpr) -> Type {
        match &t.node {
            ast::TypeExprKind::List(inner) => Type::List(Box::new(self.resolve_type(module, inner))),
            ast::TypeExprKind::Optional(inner) => self.resolve_type(module, inner).optional(),
            ast::TypeExprKind::Named(n) => {
                if let Some(t) = builtin_type(n) {
                    return t;
                }
                match self.lookup_item(module, n) {
                    Some(ItemRef::Enum(id)) => {
                        self.used(t.span, ItemRef::Enum(id));
                        Type::Enum(id)
                    }
                    Some(ItemRef::Record(id)) => {
                        self.used(t.span, ItemRef::Record(id));
                        Type::Record(id)
                    }
                    _ => {
                        let mut names: Vec<String> = BUILTIN_TYPE_NAMES.iter().map(|s| s.to_string()).collect();
                        names.extend(self.enums.iter().map(|e| e.name.clone()));
                        names.extend(self.records.iter().map(|r| r.name.clone()));
                        let mut d =
                            Diagnostic::error(Code::UnknownType, format!("unknown type `{n}`"), t.span, "not a type");
                        d = match did_you_mean(n, names.iter().map(String::as_str)) {
                            Some(s) => d.with_help(format!("did you mean `{s}`?")),
                            None => d.with_help("types are `date`, `money`, `hours`, `workdays`, …, or an enum or record declared in this module or imported with `use`"),
                        };
                        self.error(d);
                        Type::Error
                    }
                }
            }
        }
    }

    fn declare_enum(&mut self, module: ModuleId, e: &ast::EnumDecl) {
        let Some(ItemRef::Enum(id)) = self.module_items[module.index()].get(&e.name.node).map(|x| x.0) else {
            return;
        };
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for v in &e.variants {
            if let Some(prev) = seen.get(v.name.node.as_str()) {
                self.diags.push(
                    Diagnostic::error(
                        Code::DuplicateVariant,
                        format!("variant `{}` is listed twice", v.name.node),
                        v.name.span,
                        "listed again",
                    )
                    .with_label(*prev, "first listed here")
                    .with_help("remove the repeated variant"),
                );
                continue;
            }
            seen.insert(&v.name.node, v.name.span);
            let ix = self.enums[id].variants.len() as u32;
            self.declared(SymbolRef::Variant(id, ix), v.name.span);
            let info = &mut self.enums.to_mut()[id.index()];
            info.variants.push(v.name.node.clone());
            info.external.push(
                v.external
                    .as_ref()
                    .map_or_else(|| v.name.node.clone(), |x| x.node.clone()),
            );
        }
    }

    fn declare_record(&mut self, module: ModuleId, r: &ast::RecordDecl) {
        let Some(ItemRef::Record(id)) = self.module_items[module.index()].get(&r.name.node).map(|x| x.0) else {
            return;
        };
        let mut fields = Vec::new();
        for f in &r.fields {
            if fields
                .iter()
                .any(|(n, _, _): &(String, Type, Default)| *n == f.name.node)
            {
                self.diags.push(
                    Diagnostic::error(
                        Code::DuplicateField,
                        format!("field `{}` is declared twice", f.name.node),
                        f.name.span,
                        "declared again",
                    )
                    .with_help("remove one of the two fields"),
                );
                continue;
            }
            let ty = self.resolve_type(module, &f.ty);
            let default = self.fact_default(module, f, &ty);
            self.declared(SymbolRef::Field(id, fields.len() as u32), f.name.span);
            fields.push((f.name.node.clone(), ty, default));
        }
        self.records.to_mut()[id.index()].fields = fields;
    }

    fn fact_default(&mut self, module: ModuleId, f: &ast::FactDecl, ty: &Type) -> Default {
        let Some(e) = &f.default else {
            return if matches!(ty, Type::Optional(_)) {
                Default::Value(crate::values::value::Value::None)
            } else {
                Default::None
            };
        };
        if let ast::ExprKind::Call(name, args) = &e.node
            && args.is_empty()
            && name.len() == 1
            && name[0].node == "today"
        {
            return Default::Today;
        }
        match self.const_expr(module, e, ty) {
            Some(v) => Default::Value(v),
            None => Default::None,
        }
    }

    fn declare_facts(&mut self, module: ModuleId, prefix: &[String], block: &ast::FactsBlock) {
        let mut prefix = prefix.to_vec();
        prefix.extend(block.prefix.iter().map(|i| i.node.clone()));
        if !prefix.is_empty() {
            for n in 1..=prefix.len() {
                self.fact_groups
                    .to_mut()
                    .entry(prefix[..n].join("."))
                    .or_insert(block.span);
            }
        }
        for entry in &block.entries {
            match entry {
                ast::FactEntry::Group(g) => self.declare_facts(module, &prefix, g),
                ast::FactEntry::Fact(f) => {
                    let ty = self.resolve_type(module, &f.ty);
                    let mut path = prefix.clone();
                    path.push(f.name.node.clone());
                    if let Type::Record(rid) = ty {
                        // A record-typed fact: its fields become facts.
                        let group = path.join(".");
                        self.fact_groups.to_mut().entry(group.clone()).or_insert(f.span);
                        let fields = self.records[rid].fields.clone();
                        for (name, fty, default) in fields {
                            let info = FactInfo {
                                path: format!("{group}.{name}"),
                                ty: fty,
                                default,
                                doc: None,
                                span: f.span,
                            };
                            self.add_fact(info);
                        }
                        continue;
                    }
                    let default = self.fact_default(module, f, &ty);
                    let info = FactInfo {
                        path: path.join("."),
                        ty,
                        default,
                        doc: f.doc.clone(),
                        span: f.name.span,
                    };
                    self.add_fact(info);
                }
            }
        }
    }

    fn add_fact(&mut self, info: FactInfo) {
        if let Some(&prev) = self.fact_index.get(&info.path) {
            let p = &self.facts[prev];
            if p.ty != info.ty && !p.ty.is_error() && !info.ty.is_error() {
                let msg = format!(
                    "fact `{}` is declared as `{}` here but as `{}` elsewhere",
                    info.path,
                    self.ty(&info.ty),
                    self.ty(&p.ty)
                );
                let d = Diagnostic::error(
                    Code::FactConflictingTypes,
                    msg,
                    info.span,
                    "declared again with another type",
                )
                .with_label(p.span, "first declared here")
                .with_help("a fact shared by modules must have one type: make the declarations agree");
                self.diags.push(d);
            }
            return;
        }
        let id = FactId::from_index(self.facts.len());
        self.declared(SymbolRef::Fact(id), info.span);
        self.fact_index.to_mut().insert(info.path.clone(), id);
        self.facts.to_mut().push(info);
    }

    fn declare_rule(&mut self, module: ModuleId, r: &ast::RuleDecl) {
        let Some(ItemRef::Rule(id)) = self.module_items[module.index()].get(&r.name.node).map(|x| x.0) else {
            return;
        };
        let ty = self.resolve_type(module, &r.ty);
        let params = match &r.params {
            None if !r.is_fn => None,
            None => Some(Vec::new()),
            Some(ps) => {
                let mut out: Vec<(String, Type)> = Vec::new();
                for p in ps {
                    if out.iter().any(|(n, _)| *n == p.name.node) {
                        self.diags.push(
                            Diagnostic::error(
                                Code::DuplicateParameter,
                                format!("parameter `{}` is declared twice", p.name.node),
                                p.name.span,
                                "declared again",
                            )
                            .with_help("give each parameter its own name"),
                        );
                    }
                    let t = self.resolve_type(module, &p.ty);
                    out.push((p.name.node.clone(), t));
                }
                Some(out)
            }
        };
        let citation = r.citation.as_ref().map(|c| self.citation(module, c));
        let info = &mut self.rules.to_mut()[id.index()];
        info.ty = ty;
        info.params = params;
        info.citation = citation;
    }

    pub(super) fn citation(&mut self, module: ModuleId, c: &ast::Citation) -> Citation {
        let article = c.article.as_ref().map(|a| a.node).or(self.modules[module].article);
        if c.section.is_some() && article.is_none() && c.source.is_none() {
            self.diags.push(
                Diagnostic::error(
                    Code::SectionWithoutArticle,
                    "section cited without an article",
                    c.span,
                    "which article?",
                )
                .with_help("add `article N \"Title\"` under the module line, or write `Art. N §…`"),
            );
        }
        Citation {
            article,
            section: c.section.as_ref().map(|s| s.node.clone()),
            sub: c.sub.as_ref().map(|s| s.node.clone()),
            sidebar: c.sidebar,
            source: c.source.as_ref().map(|s| s.node.clone()),
            quote: c.quote.as_ref().map(|s| s.node.clone()),
        }
    }

    fn declare_table(&mut self, module: ModuleId, t: &ast::TableDecl) {
        let Some(ItemRef::Table(id)) = self.module_items[module.index()].get(&t.name.node).map(|x| x.0) else {
            return;
        };
        let ty = self.resolve_type(module, &t.ty);
        let keys: Vec<Type> = t.keys.iter().map(|k| self.resolve_type(module, k)).collect();
        let citation = t.citation.as_ref().map(|c| self.citation(module, c));
        let info = &mut self.tables.to_mut()[id.index()];
        info.ty = ty;
        info.keys = keys;
        info.citation = citation;
    }
}
