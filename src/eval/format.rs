//! Writing answers: JSON (the interface spec's output object) and readable text.

use std::fmt::Write;

use rust_decimal::{Decimal, RoundingStrategy};

use super::dates;
use super::value::Value;
use crate::ir::Program;
use crate::types::{QUnit, Type};

fn cents(d: Decimal) -> Decimal {
    let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    r
}

fn number(d: Decimal, ty: &Type) -> String {
    match ty {
        Type::Qty(QUnit::Money) => cents(d).to_string(),
        Type::Percent => d.checked_mul(Decimal::from(100)).unwrap_or(d).normalize().to_string(),
        _ => d.normalize().to_string(),
    }
}

/// Appends a JSON string literal.
pub fn json_string(out: &mut String, s: &str) {
    if !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        out.push('"');
        out.push_str(s);
        out.push('"');
        return;
    }
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends a value as compact JSON (no spaces: one form for every output, so a
/// line of `cba batch` is the same bytes whoever reads it).
pub fn write_json(out: &mut String, prog: &Program, v: &Value, ty: &Type) {
    let inner = ty.strip_optional();
    match v {
        Value::None => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Num(n) => out.push_str(&number(*n, inner)),
        Value::Date(d) => {
            out.push('"');
            let _ = dates::write_date(out, *d);
            out.push('"');
        }
        Value::Time(t) => {
            out.push('"');
            let _ = dates::write_time(out, *t);
            out.push('"');
        }
        Value::DateTime(t) => {
            out.push('"');
            let _ = dates::write_datetime(out, *t);
            out.push('"');
        }
        Value::YearMonth(ym) => {
            out.push('"');
            let _ = dates::write_year_month(out, *ym);
            out.push('"');
        }
        Value::Str(s) => json_string(out, s),
        Value::Enum(i) => match inner {
            Type::Enum(e) => json_string(out, &prog.enums[*e as usize].external[*i as usize]),
            _ => json_string(out, &i.to_string()),
        },
        Value::List(xs) => {
            let elem = match inner {
                Type::List(t) => (**t).clone(),
                _ => Type::Error,
            };
            out.push('[');
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, prog, x, &elem);
            }
            out.push(']');
        }
        Value::Record(fs) => {
            let fields = match inner {
                Type::Record(r) => prog.records[*r as usize].fields.clone(),
                _ => Vec::new(),
            };
            out.push('{');
            for (i, x) in fs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let (name, t) = fields
                    .get(i)
                    .map_or((i.to_string(), Type::Error), |f| (f.0.clone(), f.1.clone()));
                json_string(out, &name);
                out.push(':');
                write_json(out, prog, x, &t);
            }
            out.push('}');
        }
    }
}

/// A value as a reader would write it: `2025-04-07`, `$1,500.00`, `24 h`, `35 workdays`.
pub fn text(prog: &Program, v: &Value, ty: &Type) -> String {
    let inner = ty.strip_optional();
    match (v, inner) {
        (Value::None, _) => "none".into(),
        (Value::Num(n), Type::Qty(QUnit::Money)) => money(*n),
        (Value::Num(n), Type::Qty(QUnit::Hours)) => format!("{} h", grouped(*n)),
        (Value::Num(n), Type::Qty(u)) => {
            let n = n.normalize();
            let unit = u.name().replace('_', " ");
            if n == Decimal::ONE {
                format!("1 {}", unit.trim_end_matches('s'))
            } else {
                format!("{} {unit}", grouped(n))
            }
        }
        (Value::Num(n), Type::Percent) => format!("{}%", n.checked_mul(Decimal::from(100)).unwrap_or(*n).normalize()),
        (Value::Enum(i), Type::Enum(e)) => prog.enums[*e as usize].external[*i as usize].clone(),
        (Value::List(xs), Type::List(t)) => {
            let items: Vec<String> = xs.iter().map(|x| text(prog, x, t)).collect();
            format!("[{}]", items.join(", "))
        }
        (Value::Record(fs), Type::Record(r)) => {
            let fields = &prog.records[*r as usize].fields;
            let items: Vec<String> = fs
                .iter()
                .zip(fields)
                .map(|(x, (n, t, _))| format!("{n}: {}", text(prog, x, t)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        (Value::Str(s), _) => s.to_string(),
        _ => plain_text(v),
    }
}

/// A quantity's number as rule text writes it: `1,400`, `2,087.5`, `-1,000`
/// (groups of three in the whole part; the fraction as it is).
pub fn grouped(n: Decimal) -> String {
    let s = n.normalize().to_string();
    let (sign, s) = s.strip_prefix('-').map_or(("", s.as_str()), |r| ("-", r));
    let (int, frac) = s.split_once('.').map_or((s, None), |(i, f)| (i, Some(f)));
    let mut out = String::from(sign);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// `$1,500.00`
pub fn money(n: Decimal) -> String {
    let c = cents(n);
    let neg = c < Decimal::ZERO;
    let s = c.abs().to_string();
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{}${grouped}.{frac}", if neg { "-" } else { "" })
}

/// A value without type information (for `text(x)` and messages).
pub fn plain_text(v: &Value) -> String {
    match v {
        Value::None => "none".into(),
        Value::Bool(b) => b.to_string(),
        Value::Num(n) => n.normalize().to_string(),
        Value::Date(d) => dates::format_date(*d),
        Value::Time(t) => dates::format_time(*t),
        Value::DateTime(t) => dates::format_datetime(*t),
        Value::YearMonth(ym) => dates::format_year_month(*ym),
        Value::Str(s) => s.to_string(),
        Value::Enum(i) => i.to_string(),
        Value::List(xs) => format!("[{}]", xs.iter().map(plain_text).collect::<Vec<_>>().join(", ")),
        Value::Record(xs) => format!("{{{}}}", xs.iter().map(plain_text).collect::<Vec<_>>().join(", ")),
    }
}
