//! The engines the benchmarks compare, over the same generated grievances:
//!
//! - **cba**: the Agreement's `grievance` rules, evaluated by the interpreter;
//! - **limit**: the same fifteen queries written by hand in plain Rust;
//! - **peer**: the same rules in CEL, run by the `cel` crate (with
//!   `--features bench-cel`; heavy to build, so off by default);
//! - **floor of JSON in**: serde reading each record into a typed struct
//!   (derive), the least any reader of these records can do.
//!
//! Every engine answers the records before it is timed and its answers are
//! checked against cba's, so the ratios compare equal work.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::io::{BufRead, Write};

use cba::eval::value::Value;
use cba::eval::workdays::WorkdayTable;
use cba::eval::{Case, Held, dates};
use cba::ir::{FactId, Program, RuleId};
use serde::Deserialize;

pub mod words;

/// The Article 10 queries of the interface spec.
pub const QUERIES: [&str; 15] = [
    "grievance.step1_deadline",
    "grievance.step1_method_allowed",
    "grievance.step1_timely",
    "grievance.step1_oral_by",
    "grievance.step1_answer_due",
    "grievance.step2_deadline",
    "grievance.step2_timely",
    "grievance.step2_answer_due",
    "grievance.step3_deadline",
    "grievance.step3_answer_due",
    "grievance.may_advance",
    "grievance.employer_filing_deadline",
    "grievance.employer_answer_due",
    "grievance.ulp_filing_deadline",
    "grievance.grievable",
];

pub const SEED: u64 = 2013;

pub fn program() -> Program {
    let loaded = cba::load::load(&cba::load::Contracts::Embedded).expect("the Agreement loads");
    let prog = loaded.program.unwrap_or_else(|_| panic!("the Agreement checks"));
    // Build the workday table now, outside any timing.
    let mut case = Case::new(&prog);
    let _ = cba::check::check_expr(&prog, "<bench>", "add_workdays(2025-01-02, 1)")
        .map(|c| case.eval_top(&c.expr, c.locals));
    prog
}

/// The CPU time this process has used (every thread's).
pub fn process_cpu() -> std::time::Duration {
    // SAFETY: clock_gettime writes the struct it is given and nothing else.
    let mut t: libc::timespec = unsafe { std::mem::zeroed() };
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    std::time::Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

pub fn workdays(prog: &Program) -> &WorkdayTable {
    match prog.workdays.get() {
        Some(Ok(t)) => t,
        _ => panic!("the workday table is built"),
    }
}

/// `count` generated records, one a line.
pub fn records(count: u64) -> Vec<String> {
    (1..=count)
        .map(|n| {
            let mut s = String::new();
            cba::batch::generate::grievance_record(&mut s, SEED, n);
            s
        })
        .collect()
}

/// What `cba batch` evaluates records with: one case, reused, and the native
/// plan of the fifteen queries.
pub struct Batch<'p> {
    pub case: Case<'p>,
    pub native: Option<cba::eval::Native>,
}

/// A case for evaluating one record after another, as `cba batch` keeps one,
/// with the queries' native plan.
pub fn batch_case(prog: &Program) -> Batch<'_> {
    let mut case = Case::new(prog);
    case.keep_constants(&prog.case_independent());
    let native = cba::eval::Native::compile(prog, &query_ids(prog));
    assert_eq!(
        native.as_ref().map(|n| n.covered()),
        Some(QUERIES.len()),
        "the plan covers every query"
    );
    Batch { case, native }
}

pub fn query_ids(prog: &Program) -> Vec<RuleId> {
    QUERIES.iter().map(|q| prog.rule_index[*q]).collect()
}

// ------------------------------------------------------------------ cba

/// Each record's facts, already typed: what cba evaluates from.
pub fn cba_facts(prog: &Program, records: &[String]) -> Vec<Vec<(FactId, Held, bool)>> {
    let reader = cba::facts::direct::DirectReader::new(prog, "id");
    let mut case = Case::new(prog);
    records
        .iter()
        .map(|r| {
            case.reset();
            let mut scratch = cba::facts::direct::Scratch::default();
            let mut id = None;
            assert!(reader.fill(&mut case, r.as_bytes(), "bench", &mut scratch, &mut id));
            case.given()
                .iter()
                .map(|f| (*f, case.held(*f), case.provided[f.index()]))
                .collect()
        })
        .collect()
}

/// An answer as cba gives it: read in place, in the case's memo.
pub type Answer<'a> = Result<&'a Value, &'a std::sync::Arc<cba::eval::EvalError>>;

/// cba's per-record evaluation: give the record's facts, answer the queries,
/// and hand each answer to `each` where it is (as `cba batch` reads it, to
/// write it), not copied out.
pub fn cba_eval(
    batch: &mut Batch,
    facts: &[Vec<(FactId, Held, bool)>],
    queries: &[RuleId],
    each: &mut impl FnMut(usize, Answer),
) {
    let case = &mut batch.case;
    for rec in facts {
        for (f, held, given) in rec {
            case.give_held(*f, held, *given);
        }
        case.next_record();
        let ran = batch.native.as_mut().is_some_and(|n| n.run(case));
        match batch.native.as_ref().filter(|_| ran) {
            Some(n) => {
                for (i, q) in queries.iter().enumerate() {
                    match n.answer(i) {
                        Some(v) => each(i, Ok(v)),
                        None => each(i, case.answer(*q)),
                    }
                }
            }
            None => {
                for (i, q) in queries.iter().enumerate() {
                    each(i, case.answer(*q));
                }
            }
        }
    }
}

/// cba's answers as the JSON values `cba batch` writes, one list a record.
pub fn cba_answers(prog: &Program, facts: &[Vec<(FactId, Held, bool)>]) -> Vec<Vec<String>> {
    let queries = query_ids(prog);
    let mut case = batch_case(prog);
    facts
        .iter()
        .map(|rec| {
            case.case.reset();
            let mut out = vec![String::new(); queries.len()];
            cba_eval(&mut case, std::slice::from_ref(rec), &queries, &mut |i, a| {
                let v = a.unwrap_or(&Value::None);
                cba::eval::format::write_json(&mut out[i], prog, v, &prog.rules[queries[i].index()].ty);
            });
            out
        })
        .collect()
}

// ------------------------------------------------------------------ limit

#[derive(Deserialize, Default, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    #[default]
    InPerson,
    Mail,
    Commercial,
    Fax,
    Email,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Judge,
    Aalj,
    Employer,
}

fn date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
    let s = <&str>::deserialize(d)?;
    dates::parse_date(s).ok_or_else(|| serde::de::Error::custom("bad date"))
}

fn opt_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    date(d).map(Some)
}

#[derive(Deserialize, Default, Clone)]
pub struct Step {
    #[serde(default)]
    pub method: Method,
    #[serde(default, deserialize_with = "opt_date")]
    pub sent_on: Option<i32>,
    #[serde(default, deserialize_with = "opt_date")]
    pub received_on: Option<i32>,
    #[serde(default, deserialize_with = "opt_date")]
    pub oral_on: Option<i32>,
    #[serde(default, deserialize_with = "opt_date")]
    pub answered_on: Option<i32>,
    #[serde(default)]
    pub mailbox_unavailable: bool,
}

#[derive(Deserialize, Clone)]
pub struct Grievance {
    pub filed_by: Party,
    #[serde(deserialize_with = "date")]
    pub knew_on: i32,
    #[serde(default)]
    pub continuing: bool,
    pub subject: Option<String>,
    #[serde(default)]
    pub classification_reduces_grade_or_pay: bool,
    #[serde(default)]
    pub step1: Step,
    #[serde(default)]
    pub step2: Step,
    #[serde(default)]
    pub step3: Step,
}

#[derive(Deserialize, Clone)]
pub struct Record {
    pub id: Option<String>,
    #[serde(deserialize_with = "date")]
    pub as_of: i32,
    pub grievance: Grievance,
}

/// One answer of the hand-written queries.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ans {
    Date(i32),
    NoDate,
    Bool(bool),
}

type A = Result<Ans, &'static str>;

const EXCLUDED: [&str; 11] = [
    "political_activity",
    "retirement",
    "life_insurance",
    "health_insurance",
    "national_security",
    "examination",
    "certification",
    "appointment",
    "classification",
    "cfr_930_content",
    "mspb_original_jurisdiction",
];

/// The fifteen queries, by hand, as Article 10 and the interface spec read.
pub fn limit_answers(t: &WorkdayTable, r: &Record, out: &mut [A; 15]) {
    let g = &r.grievance;
    let add = |d: i32, n: i64| t.add_workdays(d, n, &[]).map_err(|_| "date outside the calendar");
    let ext = |s: &Step| match s.method {
        Method::Mail | Method::Commercial => 5,
        Method::Email if s.mailbox_unavailable => 5,
        _ => 0,
    };
    let received = |s: &Step| s.received_on.ok_or("step not received");
    let answer_due = |s: &Step| add(s.oral_on.map_or_else(|| received(s), Ok)?, 20);
    let step1_deadline = if g.continuing { None } else { Some(add(g.knew_on, 35)) };
    out[0] = match step1_deadline {
        None => Ok(Ans::NoDate),
        Some(d) => d.map(Ans::Date),
    };
    out[1] = Ok(Ans::Bool(g.step1.method != Method::Email));
    let filed = match g.step1.method {
        Method::Mail => g.step1.sent_on.ok_or("no postmark"),
        _ => received(&g.step1),
    };
    out[2] = match step1_deadline {
        None => Ok(Ans::Bool(true)),
        Some(deadline) => deadline.and_then(|d| Ok(Ans::Bool(filed? <= d))),
    };
    out[3] = received(&g.step1).and_then(|d| add(d, 5)).map(Ans::Date);
    out[4] = answer_due(&g.step1).map(Ans::Date);
    let step2_deadline = g
        .step1
        .answered_on
        .ok_or("no Step One answer")
        .and_then(|d| add(add(d, 25)?, ext(&g.step2)));
    out[5] = step2_deadline.map(Ans::Date);
    out[6] = received(&g.step2).and_then(|r| Ok(Ans::Bool(r <= step2_deadline?)));
    out[7] = answer_due(&g.step2).map(Ans::Date);
    out[8] = g
        .step2
        .answered_on
        .ok_or("no Step Two answer")
        .and_then(|d| add(add(d, 15)?, ext(&g.step3)))
        .map(Ans::Date);
    let step3_due = answer_due(&g.step3);
    out[9] = step3_due.map(Ans::Date);
    let pending = |s: &Step| -> A { Ok(Ans::Bool(s.answered_on.is_none() && r.as_of > answer_due(s)?)) };
    out[10] = if g.step3.received_on.is_some() {
        pending(&g.step3)
    } else if g.step2.received_on.is_some() {
        pending(&g.step2)
    } else if g.step1.received_on.is_some() {
        pending(&g.step1)
    } else {
        Ok(Ans::Bool(false))
    };
    out[11] = if g.filed_by != Party::Employer || g.continuing {
        Ok(Ans::NoDate)
    } else {
        add(g.knew_on, 20).map(Ans::Date)
    };
    // §7.B governs only an Employer grievance.
    out[12] = if g.filed_by != Party::Employer {
        Ok(Ans::NoDate)
    } else {
        received(&g.step1).and_then(|d| add(d, 30)).map(Ans::Date)
    };
    out[13] = g
        .step3
        .answered_on
        .map_or(step3_due, Ok)
        .and_then(|d| add(d, 25))
        .map(Ans::Date);
    let subject = g.subject.as_deref();
    out[14] = Ok(Ans::Bool(
        if subject == Some("classification") && g.classification_reduces_grade_or_pay {
            true
        } else {
            !subject.is_some_and(|s| EXCLUDED.contains(&s))
        },
    ));
}

pub fn limit_records(records: &[String]) -> Vec<Record> {
    records
        .iter()
        .map(|r| serde_json::from_str(r).expect("a generated record"))
        .collect()
}

pub fn limit_eval(t: &WorkdayTable, records: &[Record]) {
    let mut out = [Ok(Ans::NoDate); 15];
    for r in records {
        limit_answers(t, r, &mut out);
        black_box(&out);
    }
}

/// An answer as JSON, as cba writes it.
pub fn ans_json(out: &mut String, a: &A) {
    match a {
        Ok(Ans::Date(d)) => {
            out.push('"');
            let _ = dates::write_date(out, *d);
            out.push('"');
        }
        Ok(Ans::NoDate) => out.push_str("null"),
        Ok(Ans::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
        Err(e) => out.push_str(e),
    }
}

/// The hand-written path end to end: parse with serde, answer, write the line.
pub fn limit_line(t: &WorkdayTable, n: usize, line: &str, out: &mut String) {
    let mut answers = [Ok(Ans::NoDate); 15];
    let Ok(r) = serde_json::from_str::<Record>(line) else {
        out.push_str("{\"error\":\"bad record\"}\n");
        return;
    };
    limit_answers(t, &r, &mut answers);
    let _ = write!(out, "{{\"record\":{n}");
    if let Some(id) = &r.id {
        out.push_str(",\"id\":\"");
        out.push_str(id);
        out.push('"');
    }
    for (q, a) in QUERIES.iter().zip(&answers) {
        out.push_str(",\"");
        out.push_str(q);
        out.push_str("\":");
        ans_json(out, a);
    }
    out.push_str("}\n");
}

// ------------------------------------------------------------------ floor

/// The floor of JSON in: each line read into the typed [`Record`] by serde
/// (derive), nothing evaluated, nothing written. The number of records read.
pub fn typed_parse_lines(mut input: impl BufRead) -> u64 {
    let mut line = String::new();
    let mut n = 0;
    loop {
        line.clear();
        if input.read_line(&mut line).expect("readable") == 0 {
            return n;
        }
        if line.trim().is_empty() {
            continue;
        }
        let r: Record = serde_json::from_str(&line).expect("a generated record");
        black_box(&r);
        n += 1;
    }
}

/// The hand-written program over a JSON Lines input: read a line, parse it
/// with serde, answer the fifteen queries, write the answer line; one thread.
/// The number of records answered.
pub fn limit_program(t: &WorkdayTable, mut input: impl BufRead, out: &mut impl Write) -> u64 {
    let mut line = String::new();
    let mut text = String::with_capacity(1 << 16);
    let mut n = 0;
    loop {
        line.clear();
        if input.read_line(&mut line).expect("readable") == 0 {
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        n += 1;
        limit_line(t, n as usize, &line, &mut text);
        if text.len() >= 1 << 15 {
            out.write_all(text.as_bytes()).expect("writes");
            text.clear();
        }
    }
    out.write_all(text.as_bytes()).expect("writes");
    n
}

// ------------------------------------------------------------------ peer

#[cfg(feature = "bench-cel")]
pub mod peer {
    //! The queries in CEL. Dates are day numbers; `add_workdays` is native
    //! (the same workday table); defaults are filled in as cba declares them.

    use std::collections::HashMap;
    use std::sync::Arc;

    use cel::{Context, Env, Program, Value};

    use super::{Ans, QUERIES, Record, Step};

    const RECEIVED: &str = "g.STEP.received_on";

    fn answer_due(step: &str) -> String {
        format!(
            "add_workdays(has(g.{step}.oral_on) ? g.{step}.oral_on : {}, 20)",
            RECEIVED.replace("STEP", step)
        )
    }

    fn ext(step: &str) -> String {
        format!(
            "((g.{step}.method == 'mail' || g.{step}.method == 'commercial' || (g.{step}.method == 'email' && g.{step}.mailbox_unavailable)) ? 5 : 0)"
        )
    }

    fn pending(step: &str) -> String {
        format!("(!has(g.{step}.answered_on) && as_of > {})", answer_due(step))
    }

    /// The CEL source of each query, in [`QUERIES`] order.
    pub fn sources() -> Vec<String> {
        let step2_deadline = format!("add_workdays(add_workdays(g.step1.answered_on, 25), {})", ext("step2"));
        vec![
            "g.continuing ? null : add_workdays(g.knew_on, 35)".into(),
            "g.step1.method != 'email'".into(),
            "g.continuing ? true : (g.step1.method == 'mail' ? g.step1.sent_on : g.step1.received_on) <= add_workdays(g.knew_on, 35)".into(),
            "add_workdays(g.step1.received_on, 5)".into(),
            answer_due("step1"),
            step2_deadline.clone(),
            format!("g.step2.received_on <= {step2_deadline}"),
            answer_due("step2"),
            format!("add_workdays(add_workdays(g.step2.answered_on, 15), {})", ext("step3")),
            answer_due("step3"),
            format!(
                "has(g.step3.received_on) ? {} : has(g.step2.received_on) ? {} : has(g.step1.received_on) ? {} : false",
                pending("step3"),
                pending("step2"),
                pending("step1")
            ),
            "g.filed_by != 'employer' ? null : g.continuing ? null : add_workdays(g.knew_on, 20)".into(),
            "g.filed_by != 'employer' ? null : add_workdays(g.step1.received_on, 30)".into(),
            format!("add_workdays(has(g.step3.answered_on) ? g.step3.answered_on : {}, 25)", answer_due("step3")),
            "has(g.subject) && g.subject == 'classification' && g.classification_reduces_grade_or_pay ? true : !(has(g.subject) && g.subject in ['political_activity', 'retirement', 'life_insurance', 'health_insurance', 'national_security', 'examination', 'certification', 'appointment', 'classification', 'cfr_930_content', 'mspb_original_jurisdiction'])".into(),
        ]
    }

    pub struct Peer {
        pub root: Context<'static, 'static>,
        pub programs: Vec<Program>,
    }

    pub fn new(table: &cba::eval::workdays::WorkdayTable) -> Peer {
        let env = Arc::new(Env::stdlib());
        let programs = sources()
            .iter()
            .map(|s| env.compile(s).unwrap_or_else(|e| panic!("{s}: {e:?}")))
            .collect();
        let mut root = Context::with_env(env);
        let table = Arc::new(table.clone());
        root.add_function("add_workdays", move |d: i64, n: i64| -> i64 {
            i32::try_from(d)
                .ok()
                .and_then(|d| table.add_workdays(d, n, &[]).ok())
                .map_or(i64::MIN, i64::from)
        })
        .expect("add_workdays registers");
        assert_eq!(QUERIES.len(), 15);
        Peer { root, programs }
    }

    fn step(s: &Step) -> Value {
        let mut m: HashMap<String, Value> = HashMap::new();
        let method = match s.method {
            super::Method::InPerson => "in_person",
            super::Method::Mail => "mail",
            super::Method::Commercial => "commercial",
            super::Method::Fax => "fax",
            super::Method::Email => "email",
        };
        m.insert("method".into(), Value::String(Arc::new(method.into())));
        m.insert("mailbox_unavailable".into(), Value::Bool(s.mailbox_unavailable));
        for (k, v) in [
            ("sent_on", s.sent_on),
            ("received_on", s.received_on),
            ("oral_on", s.oral_on),
            ("answered_on", s.answered_on),
        ] {
            if let Some(d) = v {
                m.insert(k.into(), Value::Int(i64::from(d)));
            }
        }
        m.into()
    }

    /// A record's variables: `g` (the grievance) and `as_of`.
    pub fn variables(r: &Record) -> (Value, Value) {
        let g = &r.grievance;
        let mut m: HashMap<String, Value> = HashMap::new();
        let party = match g.filed_by {
            super::Party::Judge => "judge",
            super::Party::Aalj => "aalj",
            super::Party::Employer => "employer",
        };
        m.insert("filed_by".into(), Value::String(Arc::new(party.into())));
        m.insert("knew_on".into(), Value::Int(i64::from(g.knew_on)));
        m.insert("continuing".into(), Value::Bool(g.continuing));
        if let Some(s) = &g.subject {
            m.insert("subject".into(), Value::String(Arc::new(s.clone())));
        }
        m.insert(
            "classification_reduces_grade_or_pay".into(),
            Value::Bool(g.classification_reduces_grade_or_pay),
        );
        m.insert("step1".into(), step(&g.step1));
        m.insert("step2".into(), step(&g.step2));
        m.insert("step3".into(), step(&g.step3));
        (m.into(), Value::Int(i64::from(r.as_of)))
    }

    pub fn eval(peer: &Peer, vars: &[(Value, Value)], out: &mut Vec<Value>) {
        for (g, as_of) in vars {
            let mut scope = peer.root.new_inner_scope();
            scope.add_variable_from_value("g", g.clone());
            scope.add_variable_from_value("as_of", as_of.clone());
            out.clear();
            for p in &peer.programs {
                out.push(p.execute(&scope).unwrap_or(Value::Null));
            }
            std::hint::black_box(&out);
        }
    }

    /// The answers in the form the hand-written queries give them.
    pub fn answers(peer: &Peer, vars: &(Value, Value)) -> Vec<Ans> {
        let mut out = Vec::new();
        eval(peer, std::slice::from_ref(vars), &mut out);
        out.iter()
            .map(|v| match v {
                Value::Int(d) => Ans::Date(*d as i32),
                Value::Bool(b) => Ans::Bool(*b),
                _ => Ans::NoDate,
            })
            .collect()
    }
}
