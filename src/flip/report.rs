//! The results of lineage and counterfactual searches: typed, `Serialize`
//! (what `--format json` prints and a web page can show), and their text.

use serde::Serialize;
use serde_json::value::RawValue;

use crate::eval::{self, Slot, format};
use crate::ir::{FactId, Program};
use crate::types::Type;
use crate::values::value::Value;

/// A value (or a failure) as the answers print it: text and JSON.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    pub text: String,
    /// The JSON form of the value, exactly as `cba eval --format json` writes it
    /// (`null` for a failure).
    pub value: Box<RawValue>,
    /// The message when it is a failure rather than a value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// JSON `null`.
fn null() -> Box<RawValue> {
    RawValue::from_string("null".into()).unwrap_or_default()
}

impl Shown {
    pub fn value(prog: &Program, v: &Value, ty: &Type) -> Shown {
        Shown {
            text: format::text(prog, v, ty),
            value: serde_json::value::to_raw_value(&format::JsonValue::new(prog, v, ty)).unwrap_or_else(|_| null()),
            error: None,
        }
    }

    pub fn answer(prog: &Program, r: &eval::Result<Value>, ty: &Type) -> Shown {
        match r {
            Ok(v) => Shown::value(prog, v, ty),
            Err(e) => {
                let m = e.message(prog);
                Shown {
                    text: format!("error: {m}"),
                    value: null(),
                    error: Some(m),
                }
            }
        }
    }

    pub fn slot(prog: &Program, s: &Slot, ty: &Type) -> Shown {
        match s {
            Slot::Value(v) => Shown::value(prog, v, ty),
            Slot::Missing => Shown {
                text: "not given".into(),
                value: null(),
                error: None,
            },
            Slot::Bad(why) => Shown {
                text: format!("unusable: {why}"),
                value: null(),
                error: Some(why.to_string()),
            },
        }
    }
}

/// How a flipped value relates to the case's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// An earlier date, time or month.
    Earlier,
    Later,
    /// A smaller number.
    Lower,
    Higher,
    /// Another boolean or enum value.
    Other,
    /// An optional fact taken out of the case.
    Absent,
    /// A fact the case does not give, given.
    Present,
    /// One element taken out of a list.
    Removed,
    /// One element added to a list.
    Added,
}

/// One value of one fact, all else held, for which the answer differs.
#[derive(Debug, Clone, Serialize)]
pub struct Flip {
    pub change: Change,
    /// The fact's value that flips the answer (for a list: the element added or removed).
    pub value: Shown,
    /// How far that is from the case's value: `3 workdays, 5 days earlier`, `$0.01 more`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance: Option<String>,
    /// Every value nearer to the case's was evaluated (rather than found by bisection,
    /// which assumes the answer changes only once in between).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub every_step_checked: Option<bool>,
    /// What the answer becomes.
    pub answer: Shown,
    /// The explanation of that answer, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Box<RawValue>>,
    #[serde(skip)]
    pub explanation_text: Option<String>,
    /// The fact's whole value that was evaluated.
    #[serde(skip)]
    pub set: Value,
    /// The value one step nearer the case's (a day, a cent, a quarter hour, 1),
    /// which was evaluated and leaves the answer as it is.
    #[serde(skip)]
    pub nearer: Option<Value>,
    /// The answer evaluated with `set`.
    #[serde(skip)]
    pub raw_answer: eval::Result<Value>,
}

impl Flip {
    /// The changed fact as the reports say it: `2025-01-10`, `without 2024-12-24`,
    /// `with 2025-01-09 added`, `absent`, `given as mail`.
    pub fn what(&self) -> String {
        match self.change {
            Change::Removed => format!("without {}", self.value.text),
            Change::Added => format!("with {} added", self.value.text),
            Change::Absent => "absent".to_string(),
            Change::Present => format!("given as {}", self.value.text),
            _ => self.value.text.clone(),
        }
    }
}

/// The search over one fact the answer read.
#[derive(Debug, Clone, Serialize)]
pub struct FactFlips {
    pub fact: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub value: Shown,
    pub flips: Vec<Flip>,
    /// What was not searched, and where a search stopped: `earlier: no change back to
    /// 2015-01-08 (search bound: 10 years)`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    #[serde(skip)]
    pub id: FactId,
}

/// Two facts changed together.
#[derive(Debug, Clone, Serialize)]
pub struct PairFlip {
    pub facts: [String; 2],
    pub values: [Shown; 2],
    pub answer: Shown,
    #[serde(skip)]
    pub ids: [FactId; 2],
    #[serde(skip)]
    pub set: [Value; 2],
    #[serde(skip)]
    pub raw_answer: eval::Result<Value>,
}

/// The counterfactuals of one answer.
#[derive(Debug, Clone, Serialize)]
pub struct FlipReport {
    pub query: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub answer: Shown,
    /// One entry per fact the answer read, in the order read.
    pub facts: Vec<FactFlips>,
    /// With `--pairs`, when no single fact flips a boolean or enum answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pairs: Option<Vec<PairFlip>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pair_notes: Vec<String>,
    /// How many times the query was evaluated.
    pub evaluations: u64,
    #[serde(skip)]
    pub rule: crate::ir::RuleId,
    #[serde(skip)]
    pub raw_answer: eval::Result<Value>,
}

impl FlipReport {
    /// The report as text: the answer, then each fact with the values that flip it.
    pub fn to_text(&self) -> String {
        let mut out = format!("{} = {}\n", self.query, self.answer.text);
        for f in &self.facts {
            out.push_str(&format!("  {} = {}\n", f.fact, f.value.text));
            for x in &f.flips {
                let what = x.what();
                let far = match (&x.distance, x.every_step_checked) {
                    (Some(d), Some(false)) => format!(" ({d}; by bisection)"),
                    (Some(d), _) => format!(" ({d})"),
                    (None, _) => String::new(),
                };
                out.push_str(&format!("    {what}{far} → {}\n", x.answer.text));
                if let Some(t) = &x.explanation_text {
                    for line in t.lines() {
                        out.push_str(&format!("      {line}\n"));
                    }
                }
            }
            for n in &f.notes {
                out.push_str(&format!("    {n}\n"));
            }
            if f.flips.is_empty() && f.notes.is_empty() {
                out.push_str("    no other value changes the answer\n");
            }
        }
        if let Some(pairs) = &self.pairs {
            if pairs.is_empty() {
                out.push_str("  no pair of facts tried changes the answer\n");
            }
            for p in pairs {
                out.push_str(&format!(
                    "  together: {} = {} and {} = {} → {}\n",
                    p.facts[0], p.values[0].text, p.facts[1], p.values[1].text, p.answer.text
                ));
            }
        }
        for n in &self.pair_notes {
            out.push_str(&format!("  {n}\n"));
        }
        out
    }
}

/// Reports for several queries as one JSON document: `{"flips": [ … ]}`.
pub fn to_json(reports: &[FlipReport]) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        flips: &'a [FlipReport],
    }
    serde_json::to_string_pretty(&Doc { flips: reports }).unwrap_or_default()
}

/// Reports for several queries as text, a blank line between them.
pub fn to_text(reports: &[FlipReport]) -> String {
    reports.iter().map(FlipReport::to_text).collect::<Vec<_>>().join("\n")
}

/// One fact a query can read.
#[derive(Debug, Clone, Serialize)]
pub struct InputFact {
    pub fact: String,
    #[serde(rename = "type")]
    pub ty: String,
    /// The default, as text (`none`, `false`, `today`); absent for a fact a case must give.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// The rule or function nearest the queries that reads it.
    pub first_read_by: String,
    /// With a case: whether answering the queries read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read: Option<bool>,
    /// With a case: whether the case gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given: Option<bool>,
    #[serde(skip)]
    pub id: FactId,
}

/// The lineage of some queries: `cba inputs`.
#[derive(Debug, Clone, Serialize)]
pub struct Lineage {
    pub queries: Vec<String>,
    pub facts: Vec<InputFact>,
    /// With a case: facts it gives that none of these queries can read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_unused: Option<Vec<String>>,
}

impl Lineage {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// An aligned table: fact, type, default, first read by (and, with a case,
    /// whether it was read or given).
    pub fn to_text(&self) -> String {
        let with_case = self.given_unused.is_some();
        let mut rows: Vec<Vec<String>> = vec![];
        let mut head = vec!["fact", "type", "default", "first read by"];
        if with_case {
            head.push("this case");
        }
        rows.push(head.into_iter().map(String::from).collect());
        for f in &self.facts {
            let mut row = vec![
                f.fact.clone(),
                f.ty.clone(),
                f.default.clone().unwrap_or_else(|| "required".into()),
                f.first_read_by.clone(),
            ];
            if with_case {
                row.push(
                    match (f.read, f.given) {
                        (Some(true), Some(true)) => "given, read",
                        (Some(true), _) => "read (default)",
                        (_, Some(true)) => "given, not read",
                        _ => "",
                    }
                    .to_string(),
                );
            }
            rows.push(row);
        }
        let n = rows[0].len();
        let widths: Vec<usize> = (0..n)
            .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
            .collect();
        let noun = if self.facts.len() == 1 { "fact" } else { "facts" };
        let mut out = format!("{} can read {} {noun}\n", self.queries.join(", "), self.facts.len());
        for r in &rows {
            let mut line = String::new();
            for (i, cell) in r.iter().enumerate() {
                if i + 1 == n {
                    line.push_str(cell);
                } else {
                    line.push_str(&format!("{cell:w$}  ", w = widths[i]));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        if let Some(unused) = &self.given_unused {
            if unused.is_empty() {
                out.push_str("the case gives no fact these queries cannot read\n");
            } else {
                out.push_str(&format!("given but not read by these queries: {}\n", unused.join(", ")));
            }
        }
        out
    }
}
