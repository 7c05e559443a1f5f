//! TOML fact files, read with the `toml` crate's spanned document parser and
//! converted to [`FactNode`]s.
//!
//! Dates, times and date-times become strings in the language's notation
//! (`2025-02-14`, `09:30`, `2025-02-14T09:30`); integers and floats become
//! [`FactValue::Number`] text. Table members keep document order (they are
//! ordered by the position of their keys).

use ::toml::Spanned;
use ::toml::de::{DeTable, DeValue};
use ::toml::value::{Datetime, Time};

use super::{FactNode, FactSyntaxError, FactValue, UNKNOWN_OFFSET, offset_u32};

/// Parse a TOML document into an object node.
pub fn parse_toml(text: &str) -> Result<FactNode, FactSyntaxError> {
    match DeTable::parse(text) {
        Ok(table) => {
            let span = table.span();
            Ok(FactNode {
                value: convert_table(table.into_inner()),
                offset: start_of(&span, text),
            })
        }
        Err(err) => {
            let offset = err.span().map_or(UNKNOWN_OFFSET, |s| offset_u32(s.start));
            Err(FactSyntaxError {
                message: tidy_message(err.message()),
                offset,
            })
        }
    }
}

/// The crate's message, lowercase at the start, on one line, without a
/// trailing period.
fn tidy_message(message: &str) -> String {
    let one_line = message.trim().replace('\n', "; ");
    let trimmed = one_line.trim_end_matches('.');
    let mut chars = trimmed.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "invalid toml".to_owned(),
    }
}

fn start_of(span: &std::ops::Range<usize>, text: &str) -> u32 {
    if span.start <= text.len() {
        offset_u32(span.start)
    } else {
        UNKNOWN_OFFSET
    }
}

fn convert_table(table: DeTable<'_>) -> FactValue {
    let mut members: Vec<(usize, String, FactNode)> = table
        .into_iter()
        .map(|(key, value)| {
            let key_at = key.span().start;
            (key_at, key.into_inner().into_owned(), convert(value))
        })
        .collect();
    members.sort_by_key(|(at, _, _)| *at);
    FactValue::Object(members.into_iter().map(|(_, k, v)| (k, v)).collect())
}

fn convert(value: Spanned<DeValue<'_>>) -> FactNode {
    let offset = offset_u32(value.span().start);
    let value = match value.into_inner() {
        DeValue::String(s) => FactValue::String(s.into_owned()),
        DeValue::Integer(i) => FactValue::Number(integer_text(i.as_str(), i.radix())),
        DeValue::Float(f) => FactValue::Number(f.as_str().to_owned()),
        DeValue::Boolean(b) => FactValue::Bool(b),
        DeValue::Datetime(dt) => FactValue::String(datetime_text(&dt)),
        DeValue::Array(items) => FactValue::Array(items.into_iter().map(convert).collect()),
        DeValue::Table(table) => convert_table(table),
    };
    FactNode { value, offset }
}

/// Decimal text of an integer (hex, octal and binary converted).
fn integer_text(digits: &str, radix: u32) -> String {
    let digits = digits.strip_prefix('+').unwrap_or(digits);
    if radix == 10 {
        return digits.to_owned();
    }
    match i128::from_str_radix(digits, radix) {
        Ok(v) => v.to_string(),
        Err(_) => digits.to_owned(),
    }
}

fn time_text(t: &Time) -> String {
    if t.second.unwrap_or(0) == 0 && t.nanosecond.unwrap_or(0) == 0 {
        format!("{:02}:{:02}", t.hour, t.minute)
    } else {
        t.to_string()
    }
}

/// `2025-02-14`, `09:30`, `2025-02-14T09:30` (seconds only when not zero;
/// an offset, if any, appended as written by the crate).
fn datetime_text(dt: &Datetime) -> String {
    let mut s = String::new();
    if let Some(d) = &dt.date {
        s.push_str(&format!("{:04}-{:02}-{:02}", d.year, d.month, d.day));
    }
    if let Some(t) = &dt.time {
        if !s.is_empty() {
            s.push('T');
        }
        s.push_str(&time_text(t));
    }
    if let Some(o) = &dt.offset {
        s.push_str(&o.to_string());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::line_col;

    fn obj(node: &FactNode) -> Vec<(&str, &FactValue)> {
        match &node.value {
            FactValue::Object(m) => m.iter().map(|(k, v)| (k.as_str(), &v.value)).collect(),
            other => panic!("not an object: {other:?}"),
        }
    }

    fn s(x: &str) -> FactValue {
        FactValue::String(x.to_owned())
    }

    fn n(x: &str) -> FactValue {
        FactValue::Number(x.to_owned())
    }

    #[test]
    fn scalars_and_order() {
        let text = "as_of = 2025-02-14\nzeta = 1_500\nalpha = 1500.00\nhex = 0xff\n\
                    t = 09:30\nt2 = 09:30:15\ndt = 2025-02-14T09:30:00\nsp = 2025-02-14 09:30\n\
                    odt = 2025-02-14T09:30:00Z\nok = true\nname = \"x\\ty\"\nneg = -3\n\
                    exp = 1e3\nplus = +7\n";
        let doc = parse_toml(text).unwrap();
        assert_eq!(
            obj(&doc),
            vec![
                ("as_of", &s("2025-02-14")),
                ("zeta", &n("1500")),
                ("alpha", &n("1500.00")),
                ("hex", &n("255")),
                ("t", &s("09:30")),
                ("t2", &s("09:30:15")),
                ("dt", &s("2025-02-14T09:30")),
                ("sp", &s("2025-02-14T09:30")),
                ("odt", &s("2025-02-14T09:30Z")),
                ("ok", &FactValue::Bool(true)),
                ("name", &s("x\ty")),
                ("neg", &n("-3")),
                ("exp", &n("1e3")),
                ("plus", &n("7")),
            ]
        );
        let alpha = doc.get("alpha").unwrap();
        assert_eq!(line_col(text, alpha.offset as usize), (3, 9));
    }

    #[test]
    fn tables_and_arrays() {
        let text = "[grievance]\nknew_on = 2025-01-06\n[grievance.step1]\nmethod = \"mail\"\n\
                    [[leave]]\nhours = 8\n[[leave]]\nhours = 4.5\n\
                    [calendar]\nclosures = [2025-01-09, 2025-02-10]\n";
        let doc = parse_toml(text).unwrap();
        let keys: Vec<_> = obj(&doc).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["grievance", "leave", "calendar"]);
        let g = doc.get("grievance").unwrap();
        assert_eq!(g.get("knew_on").unwrap().value, s("2025-01-06"));
        let method = g.get("step1").unwrap().get("method").unwrap();
        assert_eq!(method.value, s("mail"));
        assert_eq!(line_col(text, method.offset as usize), (4, 10));
        let FactValue::Array(leave) = &doc.get("leave").unwrap().value else {
            panic!()
        };
        assert_eq!(leave.len(), 2);
        assert_eq!(leave[1].get("hours").unwrap().value, n("4.5"));
        let closures = doc.get("calendar").unwrap().get("closures").unwrap();
        let FactValue::Array(days) = &closures.value else {
            panic!()
        };
        assert_eq!(days[1].value, s("2025-02-10"));
        assert_eq!(line_col(text, days[1].offset as usize), (10, 25));
        // Inline tables and dotted keys.
        let doc = parse_toml("a.b = 1\nc = { d = [1, 2], e = {} }\n").unwrap();
        assert_eq!(doc.get("a").unwrap().get("b").unwrap().value, n("1"));
        assert_eq!(doc.get("c").unwrap().get("e").unwrap().value, FactValue::Object(vec![]));
    }

    #[test]
    fn errors() {
        let err = parse_toml("a = 1\na = 2\n").unwrap_err();
        assert!(err.message.contains("duplicate"), "{err:?}");
        assert_eq!(line_col("a = 1\na = 2\n", err.offset as usize).0, 2);
        let err = parse_toml("a = \"open\nb = 1\n").unwrap_err();
        assert_eq!(line_col("a = \"open\nb = 1\n", err.offset as usize).0, 1, "{err:?}");
        let err = parse_toml("a = 2025-02-30\n").unwrap_err();
        assert_ne!(err.offset, UNKNOWN_OFFSET);
        for bad in ["a =", "= 1", "[a\nb = 1", "a = [1,", "a = 1 2", "\u{0}"] {
            let err = parse_toml(bad).unwrap_err();
            assert!(!err.message.is_empty());
            assert!(!err.message.starts_with(char::is_uppercase), "{err:?}");
            assert!(!err.message.contains('\n'));
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,60}") {
            let _ = parse_toml(&text);
        }

        #[test]
        fn never_panics_tomlish(text in "[a-c=\\[\\]{}\"'., 0-9:TZ+\\-\n#]{0,60}") {
            let _ = parse_toml(&text);
        }
    }
}
