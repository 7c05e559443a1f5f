//! The outcome impact of a proposal over a population: per query, how many cases
//! change, and for money, hours, day counts and dates the total and mean change
//! (dates in calendar days later or earlier). Read from the outcome diff the
//! library computes; nothing is re-evaluated here.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::diff::DiffResult;
use crate::diff::outcomes::Answer;
use crate::ir::Program;
use crate::types::Type;

/// One query's impact.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryImpact {
    pub query: String,
    /// Cases whose answer to this query changes.
    pub changed: usize,
    /// Cases compared.
    pub cases: usize,
    /// What the total and mean are counted in: `money`, `hours`, `days`, `workdays`…
    /// (`days` for a date: how many calendar days later); none for other answers.
    pub unit: Option<String>,
    /// The sum of new − old over the cases where both are values.
    pub total: Option<Decimal>,
    /// The mean of new − old over those cases.
    pub mean: Option<Decimal>,
}

/// The numeric unit a query's answers are measured in, if any.
fn unit_of(ty: &Type) -> Option<&'static str> {
    match ty.strip_optional() {
        Type::Qty(u) => Some(u.name()),
        Type::Date => Some("days"),
        Type::Int | Type::Decimal => Some("number"),
        _ => None,
    }
}

/// A value's number as its text shows it: `$1,234.50` → 1234.50, `24 h` → 24,
/// `35 workdays` → 35, a date → days since 1970-01-01.
pub fn number(text: &str, unit: &str) -> Option<Decimal> {
    if unit == "days"
        && let Ok(d) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
    {
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?;
        return Some(Decimal::from((d - epoch).num_days()));
    }
    let first = text.split_whitespace().next()?;
    let cleaned: String = first.chars().filter(|c| *c != '$' && *c != ',').collect();
    cleaned.parse::<Decimal>().ok()
}

/// The impact of each query that changes in at least one case, in query order.
pub fn impact(result: &DiffResult, new: &Program) -> Vec<QueryImpact> {
    let total_cases = result.outcomes.total;
    let mut sums: BTreeMap<&str, (Decimal, usize)> = BTreeMap::new();
    for c in &result.outcomes.cases {
        for q in &c.changes {
            let Some(unit) = new.rule_index.get(&q.query).and_then(|&id| unit_of(&new.rules[id].ty)) else {
                continue;
            };
            if let (Answer::Value(o), Answer::Value(n)) = (&q.old, &q.new)
                && let (Some(o), Some(n)) = (number(o, unit), number(n, unit))
            {
                let e = sums.entry(q.query.as_str()).or_default();
                e.0 += n - o;
                e.1 += 1;
            }
        }
    }
    result
        .outcomes
        .per_query
        .iter()
        .map(|(q, &changed)| {
            let unit = new.rule_index.get(q).and_then(|&id| unit_of(&new.rules[id].ty));
            let (total, mean) = match sums.get(q.as_str()) {
                Some(&(sum, n)) if n > 0 => (Some(sum), Some((sum / Decimal::from(n)).round_dp(2))),
                _ => (None, None),
            };
            QueryImpact {
                query: q.clone(),
                changed,
                cases: total_cases,
                unit: unit.map(str::to_string),
                total,
                mean,
            }
        })
        .collect()
}

/// How a total or mean reads: `+$1,200.00`, `+14 days`, `−8 h`.
pub fn signed(d: Decimal, unit: &str) -> String {
    let sign = if d.is_sign_negative() && !d.is_zero() {
        "−"
    } else {
        "+"
    };
    let a = d.abs().normalize();
    match unit {
        "money" => format!("{sign}${}", money_digits(a)),
        "hours" => format!("{sign}{a} h"),
        "number" => format!("{sign}{a}"),
        u => format!("{sign}{a} {}", u.replace('_', " ")),
    }
}

fn money_digits(a: Decimal) -> String {
    let s = format!("{:.2}", a.round_dp(2));
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out}.{frac}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_as_the_text_shows_them() {
        assert_eq!(number("$1,234.50", "money"), Some(Decimal::new(123450, 2)));
        assert_eq!(number("24 h", "hours"), Some(Decimal::from(24)));
        assert_eq!(number("35 workdays", "workdays"), Some(Decimal::from(35)));
        let a = number("2025-04-07", "days").expect("a date");
        let b = number("2025-04-21", "days").expect("a date");
        assert_eq!(b - a, Decimal::from(14));
        assert_eq!(number("none", "money"), None);
        assert_eq!(signed(Decimal::new(-120000, 2), "money"), "−$1,200.00");
        assert_eq!(signed(Decimal::from(14), "days"), "+14 days");
        assert_eq!(signed(Decimal::new(25, 1), "hours"), "+2.5 h");
    }
}
