//! Explanations as JSON: the same tree as the text, as structured data.
//!
//! ```json
//! {"rule": "grievance.step2_deadline", "value": "2025-01-13",
//!  "citation": "Art. 10 §6.A", "quote": "…", "doc": "…",
//!  "steps": [{"when": "grievance.step1.answered_on != none", "then": "…"}],
//!  "facts": [{"fact": "grievance.step1.answered_on", "value": "2024-11-25", "given": true}],
//!  "tables": [], "uses": [ … ]}
//! ```

use serde_json::{Map, Value as Json, json};

use super::Options;
use super::derive::{Derivation, NotTaken, Reads, Step, StepKind};
use super::text::{excerpt, first_sentence};
use crate::eval::format;
use crate::eval::value::Value;
use crate::ir::{Citation, Program};
use crate::types::Type;

/// A value as the answers write it.
pub fn value(prog: &Program, v: &Value, ty: &Type) -> Json {
    let mut s = String::new();
    format::write_json(&mut s, prog, v, ty);
    serde_json::from_str(&s).unwrap_or(Json::String(s))
}

fn cite(obj: &mut Map<String, Json>, c: &Option<Citation>) {
    if let Some(c) = c {
        obj.insert("citation".into(), json!(c.to_string()));
        if let Some(q) = &c.quote {
            obj.insert("quote".into(), json!(q));
        }
    }
}

/// One derivation as a JSON object.
pub fn derivation(prog: &Program, d: &Derivation, opts: Options) -> Json {
    let r = &prog.rules[d.rule as usize];
    let mut o = Map::new();
    o.insert("rule".into(), json!(r.qualified));
    if let (Some(args), Some(params)) = (&d.args, &r.params) {
        let xs: Vec<Json> = args.iter().zip(params).map(|(v, (_, t))| value(prog, v, t)).collect();
        o.insert("args".into(), Json::Array(xs));
    }
    match &d.result {
        Some(Ok(v)) => {
            o.insert("value".into(), value(prog, v, &r.ty));
        }
        Some(Err(e)) => {
            o.insert("error".into(), json!(e.message(prog)));
        }
        None => {}
    }
    cite(&mut o, &r.citation);
    if d.seen_above {
        o.insert("as_above".into(), json!(true));
        return Json::Object(o);
    }
    if d.collapsed {
        return Json::Object(o);
    }
    if let Some(doc) = &r.doc {
        o.insert("doc".into(), json!(first_sentence(doc)));
    }
    let steps: Vec<Json> = if d.steps.is_empty() && !matches!(r.body.kind, crate::ir::ExprKind::Cases(..)) {
        vec![json!({ "expr": excerpt(prog, r.body.span) })]
    } else {
        d.steps.iter().map(|s| step(prog, d, s, opts)).collect()
    };
    o.insert("steps".into(), Json::Array(steps));
    reads(&mut o, prog, &d.reads, opts);
    Json::Object(o)
}

fn exception(prog: &Program, d: &Derivation, ix: Option<usize>, o: &mut Map<String, Json>) {
    let r = &prog.rules[d.rule as usize];
    if let Some(x) = ix.and_then(|i| r.exceptions.get(i)) {
        let mut e = Map::new();
        cite(&mut e, &x.citation);
        if let Some(doc) = &x.doc {
            e.insert("doc".into(), json!(first_sentence(doc)));
        }
        o.insert("exception".into(), Json::Object(e));
    }
}

fn step(prog: &Program, d: &Derivation, s: &Step, opts: Options) -> Json {
    let mut o = Map::new();
    exception(prog, d, s.exception, &mut o);
    match s.kind {
        StepKind::When(c) => {
            o.insert("when".into(), json!(excerpt(prog, c)));
            o.insert("then".into(), json!(excerpt(prog, s.value)));
        }
        StepKind::Otherwise => {
            o.insert("otherwise".into(), json!(excerpt(prog, s.value)));
        }
        StepKind::Body => {
            o.insert("expr".into(), json!(excerpt(prog, s.value)));
        }
    }
    if opts.why_not && !s.not_taken.is_empty() {
        let xs: Vec<Json> = s.not_taken.iter().map(|n| not_taken(prog, d, n, opts)).collect();
        o.insert("not_taken".into(), Json::Array(xs));
    }
    Json::Object(o)
}

fn not_taken(prog: &Program, d: &Derivation, n: &NotTaken, opts: Options) -> Json {
    let mut o = Map::new();
    exception(prog, d, n.exception, &mut o);
    o.insert("when".into(), json!(excerpt(prog, n.cond)));
    o.insert("holds".into(), n.holds.map_or(Json::Null, Json::Bool));
    reads(&mut o, prog, &n.reads, opts);
    Json::Object(o)
}

fn reads(o: &mut Map<String, Json>, prog: &Program, r: &Reads, opts: Options) {
    let facts: Vec<Json> = r
        .facts
        .iter()
        .map(|f| {
            let info = &prog.facts[f.fact as usize];
            match &f.result {
                Ok(v) => json!({ "fact": info.path, "value": value(prog, v, &info.ty), "given": f.given }),
                Err(e) => json!({ "fact": info.path, "error": e.message(prog) }),
            }
        })
        .collect();
    o.insert("facts".into(), Json::Array(facts));
    let tables: Vec<Json> = r
        .tables
        .iter()
        .map(|t| {
            let info = &prog.tables[t.table as usize];
            let keys: Vec<Json> = t
                .keys
                .iter()
                .zip(&info.keys)
                .map(|(k, ty)| value(prog, k, ty))
                .collect();
            let mut x = Map::new();
            x.insert("table".into(), json!(info.qualified));
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
        let more: Map<String, Json> = r
            .more_calls
            .iter()
            .map(|(rule, n)| (prog.rules[*rule as usize].qualified.clone(), json!(n)))
            .collect();
        o.insert("more_calls".into(), Json::Object(more));
    }
}
