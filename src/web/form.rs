//! The what-if form, generated from the fact schema: one typed input a fact
//! (date pickers, numbers for money and hours, selects for enums and yes/no,
//! repeatable inputs for lists, JSON for anything else), and the way back from
//! the submitted strings to a fact file. Values keep their exact text: a
//! number is written into the fact file as typed (after checking it is one),
//! never through a float.

use std::collections::BTreeMap;

use maud::{Markup, html};
use serde_json::Value;

/// What kind of input a fact gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Date,
    Bool,
    Int,
    /// A decimal number; `step` for the input (`0.01` for money).
    Number {
        step: &'static str,
    },
    Enum(Vec<String>),
    Text,
    /// Anything else (records, lists of records): JSON as a fact file writes it.
    Json,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub path: String,
    /// The type as written in rules: `date?`, `money`, `list of date`.
    pub ty: String,
    pub kind: Kind,
    pub list: bool,
    pub optional: bool,
    /// The default as a fact file would write it.
    pub default: Option<String>,
    pub doc: Option<String>,
}

impl Field {
    pub fn new(
        path: &str,
        ty: &str,
        default: Option<&str>,
        doc: Option<&str>,
        enum_values: Option<&[String]>,
        optional: bool,
    ) -> Field {
        let base = ty.trim_end_matches('?');
        let (list, elem) = match base.strip_prefix("list of ") {
            Some(e) => (true, e.trim_end_matches('?')),
            None => (false, base),
        };
        let kind = match (elem, enum_values) {
            (_, Some(vs)) => Kind::Enum(vs.to_vec()),
            ("date", _) => Kind::Date,
            ("bool", _) if !list => Kind::Bool,
            ("int", _) => Kind::Int,
            ("money", _) => Kind::Number { step: "0.01" },
            (
                "decimal" | "percent" | "hours" | "days" | "workdays" | "weeks" | "months" | "years" | "pay_periods",
                _,
            ) => Kind::Number { step: "any" },
            ("string" | "time" | "datetime" | "yearmonth", _) => Kind::Text,
            _ => Kind::Json,
        };
        let list = list && kind != Kind::Json;
        Field {
            path: path.to_string(),
            ty: ty.to_string(),
            kind,
            list,
            optional,
            default: default.map(str::to_string),
            doc: doc.map(str::to_string),
        }
    }

    /// The name of its input: `f.grievance.knew_on`.
    pub fn input_name(&self) -> String {
        format!("f.{}", self.path)
    }
}

/// The form's values: fact path → the strings entered (several for a list).
pub type Values = BTreeMap<String, Vec<String>>;

/// A scalar as the form shows it.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
}

/// The form's values from a fact file (an example, an upload, a shared case).
pub fn values_from_json(fields: &[Field], root: &Value) -> Values {
    let mut out = Values::new();
    for f in fields {
        let mut v = Some(root);
        for k in f.path.split('.') {
            v = v.and_then(|x| x.get(k));
        }
        let Some(v) = v else { continue };
        let texts: Vec<String> = match (f.list, &f.kind, v) {
            (_, Kind::Json, v) if !v.is_null() => vec![v.to_string()],
            (true, _, Value::Array(xs)) => xs.iter().filter_map(scalar_text).collect(),
            (_, _, v) => scalar_text(v).into_iter().collect(),
        };
        if !texts.is_empty() {
            out.insert(f.path.clone(), texts);
        }
    }
    out
}

/// The form's values from the submitted pairs (`f.PATH=value`, repeated for a
/// list); `None` when the form was not submitted. Blank inputs are not given.
pub fn values_from_pairs(fields: &[Field], pairs: &[(String, String)]) -> Option<Values> {
    if !pairs.iter().any(|(k, _)| k.starts_with("f.")) {
        return None;
    }
    let mut out = Values::new();
    for f in fields {
        let name = f.input_name();
        let xs: Vec<String> = pairs
            .iter()
            .filter(|(k, v)| *k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
            .collect();
        if !xs.is_empty() {
            out.insert(f.path.clone(), xs);
        }
    }
    Some(out)
}

/// One value as JSON text, checked against the field's kind.
fn json_value(f: &Field, text: &str) -> Result<String, String> {
    let t = text.trim();
    let quoted = || serde_json::to_string(t).unwrap_or_default();
    match &f.kind {
        Kind::Date => chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(|_| quoted())
            .map_err(|_| format!("`{t}` is not a date (YYYY-MM-DD)")),
        Kind::Bool => match t {
            "true" | "false" => Ok(t.to_string()),
            _ => Err(format!("`{t}` is not yes or no")),
        },
        Kind::Int => t
            .parse::<i64>()
            .map(|n| n.to_string())
            .map_err(|_| format!("`{t}` is not a whole number")),
        Kind::Number { .. } => {
            let n: String = t.chars().filter(|c| *c != '$' && *c != ',').collect();
            n.parse::<rust_decimal::Decimal>()
                .map(|d| d.to_string())
                .map_err(|_| format!("`{t}` is not a number"))
        }
        Kind::Enum(vs) => {
            if vs.iter().any(|v| v == t) {
                Ok(quoted())
            } else {
                Err(format!("`{t}` is not one of {}", vs.join(", ")))
            }
        }
        Kind::Text => Ok(quoted()),
        Kind::Json => serde_json::from_str::<Value>(t)
            .map(|v| v.to_string())
            .map_err(|e| format!("not JSON: {e}")),
    }
}

/// A tree of JSON text, written with numbers exactly as entered.
#[derive(Default)]
struct Tree(BTreeMap<String, Node>);

enum Node {
    Leaf(String),
    Branch(Tree),
}

impl Tree {
    fn insert(&mut self, path: &str, json: String) {
        match path.split_once('.') {
            None => {
                self.0.insert(path.to_string(), Node::Leaf(json));
            }
            Some((head, rest)) => {
                let node = self
                    .0
                    .entry(head.to_string())
                    .or_insert_with(|| Node::Branch(Tree::default()));
                if let Node::Branch(t) = node {
                    t.insert(rest, json);
                }
            }
        }
    }

    fn write(&self, out: &mut String, indent: usize) {
        if self.0.is_empty() {
            out.push_str("{}");
            return;
        }
        out.push_str("{\n");
        let pad = "  ".repeat(indent + 1);
        for (i, (k, v)) in self.0.iter().enumerate() {
            out.push_str(&pad);
            out.push_str(&serde_json::to_string(k).unwrap_or_default());
            out.push_str(": ");
            match v {
                Node::Leaf(j) => out.push_str(j),
                Node::Branch(t) => t.write(out, indent + 1),
            }
            if i + 1 < self.0.len() {
                out.push(',');
            }
            out.push('\n');
        }
        out.push_str(&"  ".repeat(indent));
        out.push('}');
    }
}

/// The fact file the values make, and the fields whose values are not of
/// their type (those are left out of the file).
pub fn to_fact_file(fields: &[Field], values: &Values) -> (String, BTreeMap<String, String>) {
    let mut tree = Tree::default();
    let mut errors = BTreeMap::new();
    for f in fields {
        let Some(xs) = values.get(&f.path) else { continue };
        let converted: Result<Vec<String>, String> = xs.iter().map(|x| json_value(f, x)).collect();
        match converted {
            Ok(js) if f.list => tree.insert(&f.path, format!("[{}]", js.join(", "))),
            Ok(js) => {
                if let Some(j) = js.into_iter().next() {
                    tree.insert(&f.path, j);
                }
            }
            Err(e) => {
                errors.insert(f.path.clone(), e);
            }
        }
    }
    let mut out = String::new();
    tree.write(&mut out, 0);
    out.push('\n');
    (out, errors)
}

fn dom_id(path: &str) -> String {
    format!("f-{}", path.replace('.', "-"))
}

fn input(f: &Field, value: Option<&str>) -> Markup {
    let name = f.input_name();
    let v = value.unwrap_or("");
    let placeholder = f.default.clone().unwrap_or_default();
    match &f.kind {
        Kind::Date => html! { input type="date" name=(name) value=(v); },
        Kind::Int => html! { input type="number" step="1" name=(name) value=(v) placeholder=(placeholder); },
        Kind::Number { step } => {
            html! { input type="number" step=(step) name=(name) value=(v) placeholder=(placeholder); }
        }
        Kind::Bool => html! {
            select name=(name) {
                option value="" selected[v.is_empty()] { "—" @if let Some(d) = &f.default { " (default " (d) ")" } }
                option value="true" selected[v == "true"] { "yes" }
                option value="false" selected[v == "false"] { "no" }
            }
        },
        Kind::Enum(vs) => html! {
            select name=(name) {
                option value="" selected[v.is_empty()] { "—" @if let Some(d) = &f.default { " (default " (d) ")" } }
                @for x in vs { option value=(x) selected[v == x] { (x) } }
            }
        },
        Kind::Text => html! { input type="text" name=(name) value=(v) placeholder=(placeholder); },
        Kind::Json => html! { textarea name=(name) rows="3" placeholder=(placeholder) { (v) } },
    }
}

/// The form's fields, grouped by the record they belong to, with their values
/// and, under each, what is wrong with it.
pub fn render(fields: &[Field], values: &Values, errors: &BTreeMap<String, Vec<String>>) -> Markup {
    let mut groups: Vec<(&str, Vec<&Field>)> = Vec::new();
    for f in fields {
        let parent = f.path.rsplit_once('.').map_or("", |x| x.0);
        match groups.iter_mut().find(|(g, _)| *g == parent) {
            Some((_, fs)) => fs.push(f),
            None => groups.push((parent, vec![f])),
        }
    }
    html! {
        @for (group, fs) in &groups {
            fieldset {
                legend { code { (if group.is_empty() { "case" } else { group }) } }
                @for f in fs {
                    @let vals = values.get(&f.path);
                    label id=(dom_id(&f.path)) data-fact=(f.path) {
                        span { code { (f.path.rsplit('.').next().unwrap_or(&f.path)) } }
                        @if f.list {
                            div.list {
                                @for x in vals.map(|v| v.as_slice()).unwrap_or(&[]) {
                                    span.item { (input(f, Some(x))) " " button.remove-item type="button" { "remove" } }
                                }
                                template { span.item { (input(f, None)) " " button.remove-item type="button" { "remove" } } }
                                button.add-item type="button" { "add" }
                            }
                        } @else {
                            (input(f, vals.and_then(|v| v.first()).map(String::as_str)))
                        }
                        span.hint {
                            code { (f.ty) }
                            @if let Some(d) = &f.default { " · default " code { (d) } }
                            @if f.optional { " · may be left blank" }
                            @if let Some(d) = &f.doc { " · " (d) }
                        }
                        @for e in errors.get(&f.path).map(|v| v.as_slice()).unwrap_or(&[]) {
                            span.field-error { (e) }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Vec<Field> {
        vec![
            Field::new("g.knew_on", "date", None, None, None, false),
            Field::new("g.pay", "money?", None, None, None, true),
            Field::new(
                "g.method",
                "Method",
                Some("\"in_person\""),
                None,
                Some(&["mail".into(), "email".into()]),
                false,
            ),
            Field::new("calendar.closures", "list of date", Some("[]"), None, None, false),
            Field::new("g.ok", "bool", Some("false"), None, None, false),
        ]
    }

    #[test]
    fn values_make_a_fact_file_with_exact_numbers() {
        let fs = fields();
        let pairs: Vec<(String, String)> = [
            ("module", "g"),
            ("f.g.knew_on", "2024-10-01"),
            ("f.g.pay", "$1,642.10"),
            ("f.g.method", "mail"),
            ("f.calendar.closures", "2024-12-24"),
            ("f.calendar.closures", ""),
            ("f.calendar.closures", "2025-01-09"),
            ("f.g.ok", ""),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let vals = values_from_pairs(&fs, &pairs).expect("submitted");
        let (text, errors) = to_fact_file(&fs, &vals);
        assert!(errors.is_empty(), "{errors:?}");
        let v: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(v["g"]["knew_on"], "2024-10-01");
        assert!(text.contains("\"pay\": 1642.10"), "{text}");
        assert_eq!(
            v["calendar"]["closures"],
            serde_json::json!(["2024-12-24", "2025-01-09"])
        );
        assert!(v["g"].get("ok").is_none(), "blank is not given");
        // And back: the fact file gives the same values (the number as JSON reads it).
        let mut back = values_from_json(&fs, &v);
        assert_eq!(back.remove("g.pay"), Some(vec!["1642.1".to_string()]));
        let mut vals = vals;
        vals.remove("g.pay");
        assert_eq!(back, vals);
    }

    #[test]
    fn a_value_of_the_wrong_type_is_an_error_at_its_field() {
        let fs = fields();
        let mut vals = Values::new();
        vals.insert("g.knew_on".into(), vec!["last tuesday".into()]);
        vals.insert("g.method".into(), vec!["pigeon".into()]);
        let (text, errors) = to_fact_file(&fs, &vals);
        assert_eq!(text, "{}\n");
        assert_eq!(errors["g.knew_on"], "`last tuesday` is not a date (YYYY-MM-DD)");
        assert_eq!(errors["g.method"], "`pigeon` is not one of mail, email");
        assert_eq!(values_from_pairs(&fs, &[("module".into(), "g".into())]), None);
    }

    #[test]
    fn the_form_escapes_what_it_shows() {
        let fs = vec![Field::new("g.note", "string", None, Some("<b>doc</b>"), None, true)];
        let mut vals = Values::new();
        vals.insert("g.note".into(), vec!["\"><script>x</script>".into()]);
        let html = render(&fs, &vals, &BTreeMap::new()).into_string();
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<b>doc"), "{html}");
    }
}
