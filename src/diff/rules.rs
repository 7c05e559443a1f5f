//! The rule diff: items of two versions matched by module and name and compared
//! by meaning (positions, layout, comments and doc comments ignored).

use std::collections::{BTreeMap, BTreeSet};

use super::Loaded;
use super::textdiff::{Line, line_diff};
use crate::fmt::{format_expr, format_fact, format_item, literal_text};
use crate::ir::{ExprKind, Program, RuleId};
use crate::syntax::ast::{Citation, FactDecl, FactEntry, FactsBlock, Item, Module, TableKey, TableRow, TableValue};
use crate::syntax::normalize::{Keep, strip_item, strip_module, template};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Removed,
    Changed,
}

/// A changed table row: its key (`from 2016-01-10, al3_a`) and values.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RowChange {
    pub key: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// One item added, removed or changed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ItemChange {
    pub module: String,
    /// `rule`, `fn`, `table`, `fact`, `test`, `enum`, `record`, `exception`,
    /// `calendar` or `module` (the header).
    pub kind: &'static str,
    /// `credit.carryover_cap`, `grievance.step1.received_on`, `credit: "a test"`.
    pub name: String,
    pub change: Change,
    /// `Art. 14 §4.A.7`, or empty.
    pub citation: String,
    pub old_text: Option<String>,
    pub new_text: Option<String>,
    /// The changed lines, with a little context.
    #[serde(skip)]
    pub lines: Vec<Line>,
    /// When only constants changed: each old → new, in order.
    pub constants: Vec<(String, String)>,
    pub rows: Vec<RowChange>,
    /// Rules and functions whose answers may change with this item.
    pub affected: Vec<String>,
    /// The rule whose meaning changes (the rule itself, or an exception's target).
    #[serde(skip)]
    pub rule: Option<String>,
    #[serde(skip)]
    pub table: Option<String>,
    #[serde(skip)]
    pub fact: Option<String>,
}

impl ItemChange {
    /// "Art. 14 §4.A.7 `credit.carryover_cap`: 24 h → 32 h" for each changed
    /// constant or table row.
    pub fn plain(&self) -> Vec<String> {
        let cite = if self.citation.is_empty() {
            String::new()
        } else {
            format!("{} ", self.citation)
        };
        let mut out: Vec<String> = self
            .constants
            .iter()
            .map(|(a, b)| format!("{cite}{} `{}`: {a} → {b}", self.kind, self.name))
            .collect();
        for r in &self.rows {
            let line = match (&r.old, &r.new) {
                (Some(a), Some(b)) => format!("{a} → {b}"),
                (None, Some(b)) => format!("new row: {b}"),
                (Some(a), None) => format!("row removed (was {a})"),
                (None, None) => continue,
            };
            out.push(format!("{cite}table `{}` [{}]: {line}", self.name, r.key));
        }
        out
    }
}

/// What one version declares, by key.
struct Decl<'a> {
    module: &'a Module,
    kind: &'static str,
    name: String,
    what: What<'a>,
}

enum What<'a> {
    Item(&'a Item),
    Fact(&'a FactDecl),
    Header,
}

fn collect(modules: &[Module]) -> BTreeMap<String, Decl<'_>> {
    let mut out = BTreeMap::new();
    for m in modules {
        let module = m.name.node.as_str();
        let mut entries: Vec<(&'static str, String, What<'_>)> = vec![("module", module.to_string(), What::Header)];
        for item in &m.items {
            let named = |n: &str| format!("{module}.{n}");
            let entry = match item {
                Item::Facts(f) => {
                    let prefix: Vec<String> = f.prefix.iter().map(|i| i.node.clone()).collect();
                    facts(f, &prefix, &mut entries);
                    continue;
                }
                Item::Rule(r) if r.params.is_some() || r.is_fn => ("fn", named(&r.name.node)),
                Item::Rule(r) => ("rule", named(&r.name.node)),
                Item::Table(t) => ("table", named(&t.name.node)),
                Item::Enum(e) => ("enum", named(&e.name.node)),
                Item::Record(r) => ("record", named(&r.name.node)),
                Item::Test(t) => ("test", format!("{module}: \"{}\"", t.name.node)),
                Item::Exception(x) => ("exception", target_name(module, &x.target)),
                Item::Calendar(c) => ("calendar", named(&c.name.node)),
            };
            entries.push((entry.0, entry.1, What::Item(item)));
        }
        for (kind, name, what) in entries {
            // A second item of one kind and name (two exceptions to one rule, or a
            // checker error) gets a number.
            let mut n = 1;
            let mut key = format!("{module}\u{0}{kind}\u{0}{name}");
            while out.contains_key(&key) {
                n += 1;
                key = format!("{module}\u{0}{kind}\u{0}{name} #{n}");
            }
            let name = if n > 1 { format!("{name} #{n}") } else { name };
            out.insert(
                key,
                Decl {
                    module: m,
                    kind,
                    name,
                    what,
                },
            );
        }
    }
    out
}

/// The fact declarations of a block, with their full paths.
fn facts<'a>(block: &'a FactsBlock, prefix: &[String], out: &mut Vec<(&'static str, String, What<'a>)>) {
    for e in &block.entries {
        match e {
            FactEntry::Fact(d) => {
                let mut path = prefix.to_vec();
                path.push(d.name.node.clone());
                out.push(("fact", path.join("."), What::Fact(d)));
            }
            FactEntry::Group(g) => {
                let mut path = prefix.to_vec();
                path.extend(g.prefix.iter().map(|i| i.node.clone()));
                facts(g, &path, out);
            }
        }
    }
}

/// `module.rule` for an exception's target.
fn target_name(module: &str, target: &[crate::syntax::ast::Ident]) -> String {
    let names: Vec<&str> = target.iter().map(|i| i.node.as_str()).collect();
    match names.as_slice() {
        [one] => format!("{module}.{one}"),
        _ => names.join("."),
    }
}

/// `Art. 14 §4.A.7`: the item's citation, the module's article filling in.
fn citation_of(module: &Module, c: Option<&Citation>) -> String {
    let article = c
        .and_then(|c| c.article.as_ref().map(|a| a.node))
        .or(module.article.as_ref().map(|a| a.number.node));
    let mut parts = Vec::new();
    if let Some(a) = article {
        parts.push(format!("Art. {a}"));
    }
    if let Some(c) = c {
        if let Some(s) = &c.section {
            parts.push(format!("§{}", s.node));
        }
        if let Some(s) = &c.sub {
            parts.push(format!("sub {}", s.node));
        }
        if c.sidebar {
            parts.push("Sidebar".into());
        }
        if let (Some(s), None) = (&c.source, &c.section) {
            parts.push(s.node.clone());
        }
    }
    parts.join(" ")
}

fn item_citation(item: &Item) -> Option<&Citation> {
    match item {
        Item::Rule(r) => r.citation.as_ref(),
        Item::Table(t) => t.citation.as_ref(),
        Item::Exception(x) => x.citation.as_ref(),
        Item::Calendar(c) => c.citation.as_ref(),
        _ => None,
    }
}

impl Decl<'_> {
    fn text(&self) -> String {
        match &self.what {
            What::Item(i) => format_item(&strip_item(i, Keep::Meaning)),
            What::Fact(f) => format!("{}: {}", self.name, format_fact(f).split_once(": ").map_or("", |x| x.1)),
            What::Header => header_text(self.module),
        }
    }

    /// The declaration's meaning, comparable across versions.
    fn meaning(&self) -> Meaning {
        match &self.what {
            What::Item(i) => Meaning::Item(Box::new(strip_item(i, Keep::Meaning))),
            What::Fact(f) => Meaning::Fact(f.ty.clone(), f.default.clone()),
            What::Header => {
                let m = strip_module(self.module, Keep::Meaning);
                Meaning::Header(m.article.map(|a| (a.number.node, a.title.map(|t| t.node))))
            }
        }
    }

    fn citation(&self) -> String {
        match &self.what {
            What::Item(i) => citation_of(self.module, item_citation(i)),
            _ => citation_of(self.module, None),
        }
    }
}

#[derive(PartialEq)]
enum Meaning {
    Item(Box<Item>),
    Fact(crate::syntax::ast::TypeExpr, Option<crate::syntax::ast::Expr>),
    Header(Option<(u32, Option<String>)>),
}

fn header_text(m: &Module) -> String {
    match &m.article {
        Some(a) => match &a.title {
            Some(t) => format!(
                "module {}\narticle {} {}",
                m.name.node,
                a.number.node,
                crate::fmt::string_lit(&t.node)
            ),
            None => format!("module {}\narticle {}", m.name.node, a.number.node),
        },
        None => format!("module {}", m.name.node),
    }
}

/// Every item added, removed or changed in meaning from `old` to `new`.
pub fn diff_items(old: &Loaded, new: &Loaded) -> Vec<ItemChange> {
    let olds = collect(&old.modules);
    let news = collect(&new.modules);
    let old_graph = Graph::of(&old.program);
    let new_graph = Graph::of(&new.program);
    let keys: BTreeSet<&String> = olds.keys().chain(news.keys()).collect();
    let mut out = Vec::new();
    for key in keys {
        let (a, b) = (olds.get(key), news.get(key));
        let change = match (a, b) {
            (Some(a), Some(b)) if a.meaning() == b.meaning() => continue,
            (Some(_), Some(_)) => Change::Changed,
            (None, Some(_)) => Change::Added,
            (Some(_), None) => Change::Removed,
            (None, None) => continue,
        };
        let Some(d) = b.or(a) else { continue };
        if d.kind == "module" && change != Change::Changed {
            // A module added or removed shows as its items.
            continue;
        }
        let old_text = a.map(Decl::text);
        let new_text = b.map(Decl::text);
        let lines = line_diff(old_text.as_deref().unwrap_or(""), new_text.as_deref().unwrap_or(""));
        let mut c = ItemChange {
            module: d.module.name.node.clone(),
            kind: d.kind,
            name: d.name.clone(),
            change,
            citation: d.citation(),
            old_text,
            new_text,
            lines,
            constants: Vec::new(),
            rows: Vec::new(),
            affected: Vec::new(),
            rule: None,
            table: None,
            fact: None,
        };
        if let (Some(a), Some(b)) = (a, b) {
            details(a, b, &mut c);
        }
        match d.kind {
            "rule" | "fn" | "exception" => c.rule = Some(d.name.split(" #").next().unwrap_or("").to_string()),
            "table" => c.table = Some(d.name.clone()),
            "fact" => c.fact = Some(d.name.clone()),
            _ => {}
        }
        let mut affected = BTreeSet::new();
        for (graph, prog) in [(&old_graph, &old.program), (&new_graph, &new.program)] {
            for r in graph.dependents(prog, &c) {
                affected.insert(prog.rules[r].qualified.clone());
            }
        }
        if let Some(r) = &c.rule {
            affected.remove(r);
        }
        c.affected = affected.into_iter().collect();
        out.push(c);
    }
    out
}

/// Constants and table rows of a changed item.
fn details(a: &Decl, b: &Decl, c: &mut ItemChange) {
    let (What::Item(x), What::Item(y)) = (&a.what, &b.what) else {
        if let (What::Fact(x), What::Fact(y)) = (&a.what, &b.what)
            && x.ty == y.ty
            && let (Some(dx), Some(dy)) = (&x.default, &y.default)
        {
            c.constants.push((format_expr(dx), format_expr(dy)));
        }
        return;
    };
    if let (Item::Table(tx), Item::Table(ty)) = (x, y) {
        let rx = flat_rows(&tx.rows);
        let ry = flat_rows(&ty.rows);
        let keys: BTreeSet<&String> = rx.keys().chain(ry.keys()).collect();
        for k in keys {
            let (vx, vy) = (rx.get(k), ry.get(k));
            if vx.map(|v| &v.0) != vy.map(|v| &v.0) {
                c.rows.push(RowChange {
                    key: k.clone(),
                    old: vx.map(|v| v.1.clone()),
                    new: vy.map(|v| v.1.clone()),
                });
            }
        }
        return;
    }
    // The quote of a citation often changes with its number ("twenty-four (24)"):
    // constants are compared without citations.
    let (mut tx, lx) = template(x);
    let (mut ty, ly) = template(y);
    drop_citation(&mut tx);
    drop_citation(&mut ty);
    if tx == ty && lx.len() == ly.len() {
        c.constants = lx
            .iter()
            .zip(&ly)
            .filter(|(p, q)| p != q)
            .map(|(p, q)| (literal_text(p), literal_text(q)))
            .collect();
    }
}

fn drop_citation(item: &mut Item) {
    match item {
        Item::Rule(r) => r.citation = None,
        Item::Table(t) => t.citation = None,
        Item::Exception(x) => x.citation = None,
        Item::Calendar(c) => c.citation = None,
        _ => {}
    }
}

/// A table's rows by key path (`from 2016-01-10, al3_a`): the value's meaning and
/// its text.
fn flat_rows(rows: &[TableRow]) -> BTreeMap<String, (crate::syntax::ast::Expr, String)> {
    let mut out = BTreeMap::new();
    fn walk(rows: &[TableRow], prefix: &str, out: &mut BTreeMap<String, (crate::syntax::ast::Expr, String)>) {
        for r in rows {
            let key = match &r.key {
                TableKey::From(d) => format!("from {:04}-{:02}-{:02}", d.year, d.month, d.day),
                TableKey::Key(e) => format_expr(e),
            };
            let key = if prefix.is_empty() {
                key
            } else {
                format!("{prefix}, {key}")
            };
            match &r.value {
                TableValue::Value(v) => {
                    out.insert(key, (v.clone(), format_expr(v)));
                }
                TableValue::Nested(rows) => walk(rows, &key, out),
            }
        }
    }
    walk(rows, "", &mut out);
    out
}

/// Who uses what, in one program.
pub struct Graph {
    users_of_rule: Vec<Vec<RuleId>>,
    users_of_table: Vec<Vec<RuleId>>,
    users_of_fact: Vec<Vec<RuleId>>,
}

impl Graph {
    pub fn of(prog: &Program) -> Graph {
        let mut g = Graph {
            users_of_rule: vec![Vec::new(); prog.rules.len()],
            users_of_table: vec![Vec::new(); prog.tables.len()],
            users_of_fact: vec![Vec::new(); prog.facts.len()],
        };
        for (id, r) in prog.rules.iter().enumerate() {
            let id = RuleId::from_index(id);
            let mut todo = vec![&r.body];
            while let Some(e) = todo.pop() {
                match &e.kind {
                    ExprKind::Rule(x) | ExprKind::Call(x, _) => g.users_of_rule[x.index()].push(id),
                    ExprKind::Table(t, _) => g.users_of_table[t.index()].push(id),
                    ExprKind::Fact(f) => g.users_of_fact[f.index()].push(id),
                    _ => {}
                }
                e.for_each_child(|c| todo.push(c));
            }
        }
        for v in g
            .users_of_rule
            .iter_mut()
            .chain(&mut g.users_of_table)
            .chain(&mut g.users_of_fact)
        {
            v.sort_unstable();
            v.dedup();
        }
        g
    }

    /// The rules that use `c`'s rule, table or fact directly.
    pub fn direct_users(&self, prog: &Program, c: &ItemChange) -> Vec<RuleId> {
        let mut out = Vec::new();
        if let Some(r) = c.rule.as_deref().and_then(|q| rule_id(prog, q)) {
            out.push(r);
            out.extend(&self.users_of_rule[r.index()]);
        }
        if let Some(t) = c
            .table
            .as_deref()
            .and_then(|q| prog.tables.iter().position(|t| t.qualified == q))
        {
            out.extend(&self.users_of_table[t]);
        }
        if let Some(f) = c
            .fact
            .as_deref()
            .and_then(|p| prog.facts.iter().position(|f| f.path == p))
        {
            out.extend(&self.users_of_fact[f]);
        }
        out
    }

    /// The rules that use rule `r` directly.
    pub fn users_of(&self, r: RuleId) -> Vec<RuleId> {
        self.users_of_rule[r.index()].clone()
    }

    /// The rules whose answers may change with `c`: its rule and every rule that
    /// uses it (or its table or fact), transitively.
    pub fn dependents(&self, prog: &Program, c: &ItemChange) -> Vec<RuleId> {
        let mut seen = vec![false; self.users_of_rule.len()];
        let mut stack = self.direct_users(prog, c);
        let mut out = Vec::new();
        while let Some(r) = stack.pop() {
            if std::mem::replace(&mut seen[r.index()], true) {
                continue;
            }
            out.push(r);
            stack.extend(&self.users_of_rule[r.index()]);
        }
        out
    }
}

/// A rule or function by qualified name.
pub fn rule_id(prog: &Program, qualified: &str) -> Option<RuleId> {
    prog.rules
        .iter()
        .position(|r| r.qualified == qualified)
        .map(RuleId::from_index)
}
