//! Explanations as JSON: the same tree as the text, as structured data.
//!
//! ```json
//! {"rule": "grievance.step2_deadline", "value": "2025-01-13",
//!  "citation": "Art. 10 §6.A", "quote": "…", "doc": "…",
//!  "steps": [{"when": "grievance.step1.answered_on != none", "then": "…"}],
//!  "facts": [{"fact": "grievance.step1.answered_on", "value": "2024-11-25", "given": true}],
//!  "tables": [], "uses": [ … ]}
//! ```

use std::collections::BTreeMap;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::json;

use super::Options;
use super::derive::{Derivation, NotTaken, Reads, Step, StepKind};
use super::text::{excerpt, first_sentence};
use crate::eval::format::JsonValue;
use crate::ir::{Citation, Program};
use crate::types::Type;
use crate::values::value::Value;

/// An explanation as JSON: plain JSON, or an answer's value written by
/// [`JsonValue`] (the one writer of values), nested in objects (keys sorted)
/// and arrays. Serialize it; nothing is written as text and read back.
#[derive(Clone)]
pub enum Json<'a> {
    Plain(serde_json::Value),
    Value(JsonValue<'a>),
    Object(Map<'a>),
    Array(Vec<Json<'a>>),
}

/// An object of an explanation, keys in sorted order.
pub type Map<'a> = BTreeMap<String, Json<'a>>;

impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Plain(v) => v.serialize(s),
            Json::Value(v) => v.serialize(s),
            Json::Object(m) => {
                let mut o = s.serialize_map(Some(m.len()))?;
                for (k, v) in m {
                    o.serialize_entry(k, v)?;
                }
                o.end()
            }
            Json::Array(xs) => {
                let mut a = s.serialize_seq(Some(xs.len()))?;
                for x in xs {
                    a.serialize_element(x)?;
                }
                a.end()
            }
        }
    }
}

impl From<serde_json::Value> for Json<'_> {
    fn from(v: serde_json::Value) -> Self {
        Json::Plain(v)
    }
}

/// A value as the answers write it.
pub fn value<'a>(prog: &'a Program, v: &'a Value, ty: &'a Type) -> Json<'a> {
    Json::Value(JsonValue::new(prog, v, ty))
}

fn cite(obj: &mut Map, c: &Option<Citation>) {
    if let Some(c) = c {
        obj.insert("citation".into(), json!(c.to_string()).into());
        if let Some(q) = &c.quote {
            obj.insert("quote".into(), json!(q).into());
        }
    }
}

/// One derivation as a JSON object.
pub fn derivation<'a>(prog: &'a Program, d: &'a Derivation, opts: Options) -> Json<'a> {
    let r = &prog.rules[d.rule];
    let mut o = Map::new();
    o.insert("rule".into(), json!(r.qualified).into());
    if let (Some(args), Some(params)) = (&d.args, &r.params) {
        let xs: Vec<Json> = args.iter().zip(params).map(|(v, (_, t))| value(prog, v, t)).collect();
        o.insert("args".into(), Json::Array(xs));
    }
    match &d.result {
        Some(Ok(v)) => {
            o.insert("value".into(), value(prog, v, &r.ty));
        }
        Some(Err(e)) => {
            o.insert("error".into(), json!(e.message(prog)).into());
        }
        None => {}
    }
    cite(&mut o, &r.citation);
    if d.seen_above {
        o.insert("as_above".into(), json!(true).into());
        return Json::Object(o);
    }
    if d.collapsed {
        return Json::Object(o);
    }
    if let Some(doc) = &r.doc {
        o.insert("doc".into(), json!(first_sentence(doc)).into());
    }
    let steps: Vec<Json> = if d.steps.is_empty() && !matches!(r.body.kind, crate::ir::ExprKind::Cases(..)) {
        vec![json!({ "expr": excerpt(prog, r.body.span) }).into()]
    } else {
        d.steps.iter().map(|s| step(prog, d, s, opts)).collect()
    };
    o.insert("steps".into(), Json::Array(steps));
    reads(&mut o, prog, &d.reads, opts);
    Json::Object(o)
}

fn exception(prog: &Program, d: &Derivation, ix: Option<usize>, o: &mut Map) {
    let r = &prog.rules[d.rule];
    if let Some(x) = ix.and_then(|i| r.exceptions.get(i)) {
        let mut e = Map::new();
        cite(&mut e, &x.citation);
        if let Some(doc) = &x.doc {
            e.insert("doc".into(), json!(first_sentence(doc)).into());
        }
        o.insert("exception".into(), Json::Object(e));
    }
}

fn step<'a>(prog: &'a Program, d: &'a Derivation, s: &'a Step, opts: Options) -> Json<'a> {
    let mut o = Map::new();
    exception(prog, d, s.exception, &mut o);
    match s.kind {
        StepKind::When(c) => {
            o.insert("when".into(), json!(excerpt(prog, c)).into());
            o.insert("then".into(), json!(excerpt(prog, s.value)).into());
        }
        StepKind::Otherwise => {
            o.insert("otherwise".into(), json!(excerpt(prog, s.value)).into());
        }
        StepKind::Body => {
            o.insert("expr".into(), json!(excerpt(prog, s.value)).into());
        }
    }
    if opts.why_not && !s.not_taken.is_empty() {
        let xs: Vec<Json> = s.not_taken.iter().map(|n| not_taken(prog, d, n, opts)).collect();
        o.insert("not_taken".into(), Json::Array(xs));
    }
    Json::Object(o)
}

fn not_taken<'a>(prog: &'a Program, d: &'a Derivation, n: &'a NotTaken, opts: Options) -> Json<'a> {
    let mut o = Map::new();
    exception(prog, d, n.exception, &mut o);
    o.insert("when".into(), json!(excerpt(prog, n.cond)).into());
    o.insert("holds".into(), json!(n.holds).into());
    reads(&mut o, prog, &n.reads, opts);
    Json::Object(o)
}

fn reads<'a>(o: &mut Map<'a>, prog: &'a Program, r: &'a Reads, opts: Options) {
    let facts: Vec<Json> = r
        .facts
        .iter()
        .map(|f| {
            let info = &prog.facts[f.fact];
            match &f.result {
                Ok(v) => {
                    let mut x = Map::new();
                    x.insert("fact".into(), json!(info.path).into());
                    x.insert("given".into(), json!(f.given).into());
                    x.insert("value".into(), value(prog, v, &info.ty));
                    Json::Object(x)
                }
                Err(e) => json!({ "fact": info.path, "error": e.message(prog) }).into(),
            }
        })
        .collect();
    o.insert("facts".into(), Json::Array(facts));
    let tables: Vec<Json> = r
        .tables
        .iter()
        .map(|t| {
            let info = &prog.tables[t.table];
            let keys: Vec<Json> = t
                .keys
                .iter()
                .zip(&info.keys)
                .map(|(k, ty)| value(prog, k, ty))
                .collect();
            let mut x = Map::new();
            x.insert("table".into(), json!(info.qualified).into());
            x.insert("keys".into(), Json::Array(keys));
            x.insert("value".into(), value(prog, &t.value, &info.ty));
            cite(&mut x, &info.citation);
            Json::Object(x)
        })
        .collect();
    o.insert("tables".into(), Json::Array(tables));
    let uses: Vec<Json> = r.uses.iter().map(|u| derivation(prog, u, opts)).collect();
    o.insert("uses".into(), Json::Array(uses));
    if !r.more_calls.is_empty() {
        let more: serde_json::Map<String, serde_json::Value> = r
            .more_calls
            .iter()
            .map(|(rule, n)| (prog.rules[rule.index()].qualified.clone(), json!(n)))
            .collect();
        o.insert("more_calls".into(), serde_json::Value::Object(more).into());
    }
}
