//! The REPL's facts: a fact-file tree (as read from JSON or TOML) that `:set`
//! and `:unset` edit by dotted path, and that fills a fresh case for every
//! question. Keeping the tree rather than slots lets the facts survive a change
//! of program (`:load rules.cba`): they are simply read again.

use crate::diag::did_you_mean;
use crate::eval::{Case, Slot};
use crate::facts::{FactNode, FactValue, UNKNOWN_OFFSET};
pub use crate::facts::{empty, set_path as set};
use crate::ir::{FactId, FactNodeKind, FactTree, Program, RecordId};
use crate::types::Type;
use crate::values::value::Value;

/// Where a dotted path leads among the program's facts.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// A group of facts (`grievance`, `grievance.stay`).
    Group,
    /// A fact, or a field inside a fact of record type, of type `ty`.
    Fact { id: FactId, ty: Type },
}

/// Resolves a path like `grievance.step1.method`; the error names the first
/// segment that is not there, with a did-you-mean.
pub fn resolve(prog: &Program, path: &str) -> Result<Target, String> {
    let segs: Vec<&str> = path.split('.').collect();
    let mut tree = &prog.fact_tree;
    for (i, seg) in segs.iter().enumerate() {
        let here = segs[..=i].join(".");
        let Some((_, kind)) = tree.children.iter().find(|(n, _)| n == seg) else {
            let names = tree.children.iter().map(|(n, _)| n.as_str());
            let hint = match did_you_mean(seg, names) {
                Some(s) => format!(
                    "did you mean `{}`?",
                    segs[..i].iter().chain([&s]).copied().collect::<Vec<_>>().join(".")
                ),
                None if i > 0 && tree.children.len() <= 12 => format!(
                    "the facts of `{}` are {}",
                    segs[..i].join("."),
                    tree.children
                        .iter()
                        .map(|(n, _)| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => "Tab completes fact paths".into(),
            };
            return Err(format!("`{here}` is not a fact\nhelp: {hint}"));
        };
        match kind {
            FactNodeKind::Group(sub) => tree = sub,
            FactNodeKind::Leaf(id) => {
                let mut ty = prog.facts[id.index()].ty.clone();
                for (j, field) in segs.iter().enumerate().skip(i + 1) {
                    if let Type::List(_) = ty.strip_optional() {
                        return Err(format!(
                            "`{}` is a list, so `{field}` is not part of it\nhelp: set the whole list: `:set {} = [...]`",
                            segs[..j].join("."),
                            segs[..j].join(".")
                        ));
                    }
                    let Type::Record(r) = ty.strip_optional() else {
                        return Err(format!(
                            "`{}` is a single value, so `{field}` is not a field of it",
                            segs[..j].join(".")
                        ));
                    };
                    let rec = &prog.records[r.index()];
                    let Some((_, fty, _)) = rec.fields.iter().find(|f| f.0 == *field) else {
                        let hint = did_you_mean(field, rec.fields.iter().map(|f| f.0.as_str()))
                            .map(|s| format!("did you mean `{}.{s}`?", segs[..j].join(".")))
                            .unwrap_or_else(|| format!("the fields of `{}` are {}", rec.name, field_list(prog, *r)));
                        return Err(format!(
                            "`{}` has no field `{field}`\nhelp: {hint}",
                            segs[..j].join(".")
                        ));
                    };
                    ty = fty.clone();
                }
                return Ok(Target::Fact { id: *id, ty });
            }
        }
    }
    Ok(Target::Group)
}

fn field_list(prog: &Program, r: RecordId) -> String {
    prog.records[r]
        .fields
        .iter()
        .map(|f| format!("`{}`", f.0))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Forgets where a value came from (it is placed in another tree).
pub fn unplaced(mut node: FactNode) -> FactNode {
    node.offset = UNKNOWN_OFFSET;
    node.value = match node.value {
        FactValue::Array(xs) => FactValue::Array(xs.into_iter().map(unplaced).collect()),
        FactValue::Object(ms) => FactValue::Object(ms.into_iter().map(|(k, v)| (k, unplaced(v))).collect()),
        v => v,
    };
    node
}

/// Takes the value at `path` out, and any object left empty by that. False when
/// nothing was there.
pub fn unset(root: &mut FactNode, path: &str) -> bool {
    fn go(node: &mut FactNode, segs: &[&str]) -> bool {
        let FactValue::Object(members) = &mut node.value else {
            return false;
        };
        let Some(ix) = members.iter().position(|(k, _)| k == segs[0]) else {
            return false;
        };
        if segs.len() == 1 {
            members.remove(ix);
            return true;
        }
        let removed = go(&mut members[ix].1, &segs[1..]);
        if removed && matches!(&members[ix].1.value, FactValue::Object(m) if m.is_empty()) {
            members.remove(ix);
        }
        removed
    }
    let segs: Vec<&str> = path.split('.').collect();
    go(root, &segs)
}

/// One leaf of the tree, placed among the program's facts.
#[derive(Debug)]
enum Entry<'a> {
    /// A fact's value (or a field of it: `fields` are indexes into records).
    Known {
        path: String,
        fact: FactId,
        fields: Vec<usize>,
        ty: Type,
    },
    /// Something the program does not declare.
    Unknown {
        path: String,
        node: &'a FactNode,
        why: String,
    },
}

fn entries<'a>(prog: &Program, root: &'a FactNode) -> Vec<Entry<'a>> {
    let mut out = Vec::new();
    group(prog, &prog.fact_tree, root, "", &mut out);
    out
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

fn group<'a>(prog: &Program, tree: &FactTree, node: &'a FactNode, prefix: &str, out: &mut Vec<Entry<'a>>) {
    let FactValue::Object(members) = &node.value else {
        return;
    };
    for (key, child) in members {
        let path = join(prefix, key);
        match tree.children.iter().find(|(n, _)| n == key).map(|(_, k)| k) {
            Some(FactNodeKind::Leaf(id)) => {
                let ty = prog.facts[id.index()].ty.clone();
                value(prog, *id, Vec::new(), ty, child, path, out);
            }
            Some(FactNodeKind::Group(sub)) => match &child.value {
                FactValue::Object(_) => group(prog, sub, child, &path, out),
                FactValue::Null => {}
                _ => out.push(Entry::Unknown {
                    path,
                    node: child,
                    why: "a group of facts, not a value".into(),
                }),
            },
            None => out.push(Entry::Unknown {
                path,
                node: child,
                why: "not a fact of these rules".into(),
            }),
        }
    }
}

fn value<'a>(
    prog: &Program,
    fact: FactId,
    fields: Vec<usize>,
    ty: Type,
    node: &'a FactNode,
    path: String,
    out: &mut Vec<Entry<'a>>,
) {
    match (&node.value, ty.strip_optional()) {
        (FactValue::Object(members), Type::Record(r)) => {
            let rec = &prog.records[r.index()];
            for (key, child) in members {
                let sub = join(&path, key);
                match rec.fields.iter().position(|f| &f.0 == key) {
                    Some(ix) => {
                        let mut fs = fields.clone();
                        fs.push(ix);
                        value(prog, fact, fs, rec.fields[ix].1.clone(), child, sub, out);
                    }
                    None => out.push(Entry::Unknown {
                        path: sub,
                        node: child,
                        why: format!("not a field of `{}`", rec.name),
                    }),
                }
            }
        }
        _ => out.push(Entry::Known { path, fact, fields, ty }),
    }
}

/// Paths in the tree that the program does not declare, with why.
pub fn unknown_paths(prog: &Program, root: &FactNode) -> Vec<String> {
    entries(prog, root)
        .into_iter()
        .filter_map(|e| match e {
            Entry::Unknown { path, why, .. } => Some(format!("`{path}` is {why}")),
            Entry::Known { .. } => None,
        })
        .collect()
}

/// The facts of the tree as `path = value` lines, values as the case read them.
pub fn listing(case: &Case, root: &FactNode) -> String {
    let prog = case.prog;
    let items: Vec<(String, String)> = entries(prog, root)
        .into_iter()
        .map(|e| match e {
            Entry::Known { path, fact, fields, ty } => {
                let shown = match case.slot(fact) {
                    Slot::Value(v) => {
                        field_of(&v, &fields).map_or_else(|| "none".into(), |v| crate::eval::format::text(prog, v, &ty))
                    }
                    Slot::Missing => "missing".into(),
                    Slot::Bad(why) => format!("error: it {why}"),
                };
                (path, shown)
            }
            Entry::Unknown { path, node, why } => (path, format!("{}  ({why})", json(node))),
        })
        .collect();
    let width = items.iter().map(|(p, _)| p.chars().count()).max().unwrap_or(0);
    items.iter().map(|(p, v)| format!("{p:width$} = {v}\n")).collect()
}

fn field_of<'v>(v: &'v Value, fields: &[usize]) -> Option<&'v Value> {
    let mut v = v;
    for &ix in fields {
        match v {
            Value::Record(fs) => v = fs.get(ix)?,
            _ => return None,
        }
    }
    Some(v)
}

/// A tree node as compact JSON.
pub fn json(node: &FactNode) -> String {
    match &node.value {
        FactValue::Null => "null".into(),
        FactValue::Bool(b) => b.to_string(),
        FactValue::Number(n) => n.clone(),
        FactValue::String(s) => serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\"")),
        FactValue::Array(xs) => format!("[{}]", xs.iter().map(json).collect::<Vec<_>>().join(", ")),
        FactValue::Object(ms) => format!(
            "{{{}}}",
            ms.iter()
                .map(|(k, v)| format!("{}: {}", serde_json::to_string(k).unwrap_or_default(), json(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::parse_json;

    fn tree(text: &str) -> FactNode {
        unplaced(parse_json(text).unwrap())
    }

    #[test]
    fn set_makes_the_objects_on_the_way() {
        let mut t = empty();
        set(&mut t, "g.step1.method", tree("\"mail\""));
        set(&mut t, "g.knew_on", tree("\"2025-01-02\""));
        set(&mut t, "g.step1.method", tree("\"fax\""));
        assert_eq!(
            json(&t),
            r#"{"g": {"step1": {"method": "fax"}, "knew_on": "2025-01-02"}}"#
        );
        set(&mut t, "g.knew_on.x", tree("1"));
        assert_eq!(json(&t), r#"{"g": {"step1": {"method": "fax"}, "knew_on": {"x": 1}}}"#);
    }

    #[test]
    fn unset_removes_objects_left_empty() {
        let mut t = tree(r#"{"g": {"step1": {"method": "mail"}, "k": 1}}"#);
        assert!(unset(&mut t, "g.step1.method"));
        assert_eq!(json(&t), r#"{"g": {"k": 1}}"#);
        assert!(!unset(&mut t, "g.step1.method"));
        assert!(unset(&mut t, "g"));
        assert_eq!(json(&t), "{}");
    }
}
