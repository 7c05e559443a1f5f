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

/// Whether `s` is a number as JSON writes one (`-12`, `0.5`; a decimal's text
/// never has an exponent).
fn is_json_number(s: &str) -> bool {
    let b = s.strip_prefix('-').unwrap_or(s).as_bytes();
    let (int, frac) = match b.iter().position(|&c| c == b'.') {
        Some(i) => (&b[..i], Some(&b[i + 1..])),
        None => (b, None),
    };
    let digits = |d: &[u8]| !d.is_empty() && d.iter().all(u8::is_ascii_digit);
    digits(int) && (int.len() == 1 || int[0] != b'0') && frac.is_none_or(digits)
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

/// A value as JSON, typed by the program: the one way values are written as
/// JSON (answers, explanations, batch records, diffs). Money keeps its cents
/// (`1500.00`), percents read as written (`4.7`), enums by their external
/// spelling, records by field name in declared order. Serialize it with any
/// serde_json formatter: [`write_json`] writes it on one line.
#[derive(Clone, Copy)]
pub struct JsonValue<'a> {
    prog: &'a Program,
    value: &'a Value,
    ty: &'a Type,
}

impl<'a> JsonValue<'a> {
    pub fn new(prog: &'a Program, value: &'a Value, ty: &'a Type) -> JsonValue<'a> {
        JsonValue { prog, value, ty }
    }
}

impl serde::Serialize for JsonValue<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeMap, SerializeSeq};
        let prog = self.prog;
        let inner = self.ty.strip_optional();
        match self.value {
            Value::None => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            // The exact decimal text, never through a float.
            Value::Num(n) => serde_json::value::RawValue::from_string(number(*n, inner))
                .map_err(S::Error::custom)?
                .serialize(s),
            Value::Date(d) => s.serialize_str(&dates::format_date(*d)),
            Value::Time(t) => s.serialize_str(&dates::format_time(*t)),
            Value::DateTime(t) => s.serialize_str(&dates::format_datetime(*t)),
            Value::YearMonth(ym) => s.serialize_str(&dates::format_year_month(*ym)),
            Value::Str(x) => s.serialize_str(x),
            Value::Enum(i) => match inner {
                Type::Enum(e) => s.serialize_str(&prog.enums[e.index()].external[*i as usize]),
                _ => s.serialize_str(&i.to_string()),
            },
            Value::List(xs) => {
                let elem = match inner {
                    Type::List(t) => &**t,
                    _ => &Type::Error,
                };
                let mut seq = s.serialize_seq(Some(xs.len()))?;
                for x in xs.iter() {
                    seq.serialize_element(&JsonValue::new(prog, x, elem))?;
                }
                seq.end()
            }
            Value::Record(fs) => {
                let fields: &[(String, Type, crate::ir::Default)] = match inner {
                    Type::Record(r) => &prog.records[r.index()].fields,
                    _ => &[],
                };
                let mut map = s.serialize_map(Some(fs.len()))?;
                for (i, x) in fs.iter().enumerate() {
                    match fields.get(i) {
                        Some((name, t, _)) => map.serialize_entry(name, &JsonValue::new(prog, x, t))?,
                        None => map.serialize_entry(&i.to_string(), &JsonValue::new(prog, x, &Type::Error))?,
                    }
                }
                map.end()
            }
        }
    }
}

/// Appends a value as compact JSON, on one line and with no spaces
/// (`["a","b"]`, `{"x":1}`): one form for every output, so a line of `cba batch`
/// is the same bytes whoever reads it ([`JsonValue`]).
pub fn write_json(out: &mut String, prog: &Program, v: &Value, ty: &Type) {
    // The scalars answers are mostly made of, written straight into `out`: the
    // bytes serde_json writes for them (a test compares the two), without its
    // intermediate strings.
    let plain = |s: &str| !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20);
    match (v, ty.strip_optional()) {
        (Value::None, _) => return out.push_str("null"),
        (Value::Bool(b), _) => return out.push_str(if *b { "true" } else { "false" }),
        (Value::Date(d), _) => return dates::push_quoted_date(out, *d),
        (Value::Enum(i), Type::Enum(e)) => {
            if let Some(s) = prog.enums[*e].external.get(*i as usize)
                && plain(s)
            {
                out.push('"');
                out.push_str(s);
                out.push('"');
                return;
            }
        }
        (Value::Str(s), _) if plain(s) => {
            out.push('"');
            out.push_str(s);
            out.push('"');
            return;
        }
        (Value::Num(n), inner) => {
            let text = number(*n, inner);
            if is_json_number(&text) {
                return out.push_str(&text);
            }
        }
        _ => {}
    }
    if let Ok(text) = serde_json::to_string(&JsonValue::new(prog, v, ty)) {
        out.push_str(&text);
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
        (Value::Enum(i), Type::Enum(e)) => prog.enums[e.index()].external[*i as usize].clone(),
        (Value::List(xs), Type::List(t)) => {
            let items: Vec<String> = xs.iter().map(|x| text(prog, x, t)).collect();
            format!("[{}]", items.join(", "))
        }
        (Value::Record(fs), Type::Record(r)) => {
            let fields = &prog.records[r.index()].fields;
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
