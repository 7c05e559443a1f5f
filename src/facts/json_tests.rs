use super::*;
use crate::source::line_col;
use proptest::prelude::*;
use serde_json::Value;

fn n(x: &str) -> FactValue {
    FactValue::Number(x.to_owned())
}

fn s(x: &str) -> FactValue {
    FactValue::String(x.to_owned())
}

/// The error's message and 1-based line and column.
fn err(text: &str) -> (String, (usize, usize)) {
    let e = parse_json(text).unwrap_err();
    (e.message, line_col(text, e.offset as usize))
}

#[test]
fn document_tree() {
    let text = "{\n  \"as_of\": \"2025-02-14\",\n  \"pay\": 1500.00,\n  \"n\": [-3, 1e3, 0, 2.5E-2],\n  \
                \"ok\": true, \"no\": false, \"none\": null, \"empty\": {}, \"list\": []\n}";
    let doc = parse_json(text).unwrap();
    assert_eq!(doc.offset, 0);
    let FactValue::Object(members) = &doc.value else {
        panic!()
    };
    let keys: Vec<_> = members.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["as_of", "pay", "n", "ok", "no", "none", "empty", "list"]);
    assert_eq!(doc.get("as_of").unwrap().value, s("2025-02-14"));
    let pay = doc.get("pay").unwrap();
    assert_eq!(pay.value, n("1500.00"));
    assert_eq!(line_col(text, pay.offset as usize), (3, 10));
    let FactValue::Array(nums) = &doc.get("n").unwrap().value else {
        panic!()
    };
    let raw: Vec<_> = nums.iter().map(|x| x.value.clone()).collect();
    assert_eq!(raw, [n("-3"), n("1e3"), n("0"), n("2.5E-2")]);
    assert_eq!(line_col(text, nums[1].offset as usize), (4, 13));
    assert_eq!(doc.get("ok").unwrap().value, FactValue::Bool(true));
    assert_eq!(doc.get("no").unwrap().value, FactValue::Bool(false));
    assert_eq!(doc.get("none").unwrap().value, FactValue::Null);
    assert_eq!(doc.get("empty").unwrap().value, FactValue::Object(vec![]));
    assert_eq!(doc.get("list").unwrap().value, FactValue::Array(vec![]));
    // Scalars at the top level, with surrounding whitespace.
    assert_eq!(
        parse_json(" \t\r\n42 \n").unwrap(),
        FactNode {
            value: n("42"),
            offset: 4
        }
    );
    assert_eq!(parse_json("\"x\"").unwrap().value, s("x"));
}

#[test]
fn string_escapes() {
    let doc = parse_json(r#""a\"b\\c\/d\b\f\n\r\t\u00e9\u20AC\ud83d\ude00 é€😀""#).unwrap();
    assert_eq!(doc.value, s("a\"b\\c/d\u{8}\u{c}\n\r\t\u{e9}\u{20ac}\u{1f600} é€😀"));
    assert_eq!(parse_json(r#""\u0000""#).unwrap().value, s("\0"));
    let (m, at) = err(r#""ab\qc""#);
    assert_eq!((m.as_str(), at), ("invalid escape `\\q`", (1, 4)));
    let (m, at) = err(r#""\ud83d""#);
    assert_eq!((m.as_str(), at), ("unpaired surrogate in a unicode escape", (1, 2)));
    let (m, _) = err(r#""\ud83d\u0041""#);
    assert_eq!(m, "unpaired surrogate in a unicode escape");
    let (m, _) = err(r#""\ude00""#);
    assert_eq!(m, "unpaired surrogate in a unicode escape");
    let (m, at) = err(r#""x\u12G4""#);
    assert_eq!(
        (m.as_str(), at),
        ("invalid unicode escape; expected `\\u` and four hex digits", (1, 3))
    );
    assert_eq!(
        err(r#""\u12"#).0,
        "invalid unicode escape; expected `\\u` and four hex digits"
    );
    assert_eq!(
        err("\"a\tb\"").0,
        "control character in a string; write it as an escape"
    );
    assert_eq!(err("\"\\é\"").0, "invalid escape `\\é`");
}

#[test]
fn common_mistakes() {
    let cases: &[(&str, &str, (usize, usize))] = &[
        ("{\"a\": 1,}", "trailing comma before `}`", (1, 9)),
        ("[1, 2,\n]", "trailing comma before `]`", (2, 1)),
        (
            "{\"a\": \"open}\n",
            "unterminated string (a line break must be written `\\n`)",
            (1, 7),
        ),
        ("{\"a\": \"open", "unterminated string", (1, 7)),
        ("\"abc\\", "unterminated string", (1, 1)),
        ("{\"a\" 1}", "expected `:` after an object key, found `1`", (1, 6)),
        (
            "{\"a\": 1 \"b\": 2}",
            "expected `,` or `}` after an object member, found `\"`",
            (1, 9),
        ),
        (
            "{\"a\": 1",
            "unexpected end of input; expected `,` or `}` after an object member",
            (1, 8),
        ),
        ("[1 2]", "expected `,` or `]` after an array element, found `2`", (1, 4)),
        ("{\"a\": 1, \"b\": {}, \"a\": 2}", "duplicate key `a`", (1, 19)),
        ("{a: 1}", "expected a string key, found `a`", (1, 2)),
        ("{'a': 1}", "expected a string key, found `'`", (1, 2)),
        ("", "unexpected end of input; expected a value", (1, 1)),
        ("[", "unexpected end of input; expected a value", (1, 2)),
        ("{\"a\": }", "expected a value, found `}`", (1, 7)),
        ("01", "leading zeros are not allowed in numbers", (1, 1)),
        ("-", "unexpected end of input; expected a digit after `-`", (1, 2)),
        ("1.", "unexpected end of input; expected a digit after `.`", (1, 3)),
        ("1.e5", "expected a digit after `.`, found `e`", (1, 3)),
        (
            "1e+",
            "unexpected end of input; expected a digit in the exponent",
            (1, 4),
        ),
        (".5", "expected a value, found `.`", (1, 1)),
        ("+1", "expected a value, found `+`", (1, 1)),
        ("tru", "invalid literal; expected `true`", (1, 1)),
        ("nul", "invalid literal; expected `null`", (1, 1)),
        ("True", "expected a value, found `T`", (1, 1)),
        ("{} {}", "unexpected text after the value", (1, 4)),
        ("1 // comment", "unexpected text after the value", (1, 3)),
        ("[1]x", "unexpected text after the value", (1, 4)),
        ("NaN", "expected a value, found `N`", (1, 1)),
        ("\u{feff}", "unexpected end of input; expected a value", (1, 2)),
        ("{}\u{feff}", "unexpected text after the value", (1, 3)),
        (" \u{feff}{}", "expected a value, found `\\u{feff}`", (1, 2)),
        ("{\"é\": 1, \"é\": 2}", "duplicate key `é`", (1, 10)),
    ];
    for &(text, message, at) in cases {
        assert_eq!(err(text), (message.to_owned(), at), "{text:?}");
    }
}

#[test]
fn duplicate_keys_in_large_objects() {
    let mut text = String::from("{");
    for i in 0..100 {
        text.push_str(&format!("\"k{i}\": {i}, "));
    }
    assert!(parse_json(&format!("{text}\"last\": 0}}")).is_ok());
    let dup = format!("{text}\"k57\": 0}}");
    let e = parse_json(&dup).unwrap_err();
    assert_eq!(e.message, "duplicate key `k57`");
    assert_eq!(&dup[e.offset as usize..e.offset as usize + 5], "\"k57\"");
}

#[test]
fn depth_limit() {
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(parse_json(&ok).is_ok());
    let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    let e = parse_json(&deep).unwrap_err();
    assert_eq!(e.message, "nesting deeper than 128 levels");
    assert_eq!(e.offset as usize, MAX_DEPTH);
    let objects = "{\"a\":".repeat(100_000);
    assert_eq!(
        parse_json(&objects).unwrap_err().message,
        "nesting deeper than 128 levels"
    );
    assert!(parse_json(&"[".repeat(1_000_000)).is_err());
}

/// Structural comparison with a serde_json value.
fn agrees(node: &FactNode, value: &Value) -> bool {
    match (&node.value, value) {
        (FactValue::Null, Value::Null) => true,
        (FactValue::Bool(a), Value::Bool(b)) => a == b,
        (FactValue::Number(raw), Value::Number(_)) => {
            // serde_json's default float parsing is not always correctly
            // rounded, so accept either its reading or its own spelling.
            let spelled = value.to_string();
            *raw == spelled || serde_json::from_str::<Value>(raw).is_ok_and(|v| &v == value)
        }
        (FactValue::String(a), Value::String(b)) => a == b,
        (FactValue::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| agrees(x, y)),
        (FactValue::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, x)| b.get(k).is_some_and(|y| agrees(x, y)))
        }
        _ => false,
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        "[a-z\"\\\\/\u{0}-\u{1f}é😀]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map("[a-z\"\\\\]{0,4}", inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every char boundary of `text`.
fn boundaries(text: &str) -> impl Iterator<Item = usize> + '_ {
    (0..=text.len()).filter(|&i| text.is_char_boundary(i))
}

proptest! {
    #[test]
    fn agrees_with_serde_json(value in json_value()) {
        for text in [serde_json::to_string(&value).unwrap(),
                     serde_json::to_string_pretty(&value).unwrap()] {
            let node = parse_json(&text).unwrap();
            prop_assert!(agrees(&node, &value), "{}", text);
        }
    }

    #[test]
    fn truncations_never_panic(value in json_value()) {
        let text = serde_json::to_string_pretty(&value).unwrap();
        for end in boundaries(&text) {
            let prefix = &text[..end];
            let ours = parse_json(prefix);
            let theirs = serde_json::from_str::<Value>(prefix);
            prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?}", prefix);
            if let Err(e) = ours {
                prop_assert!(e.offset as usize <= prefix.len());
            }
        }
    }

    #[test]
    fn random_text_never_panics(text in "\\PC{0,64}") {
        if let Err(e) = parse_json(&text) {
            prop_assert!(e.offset as usize <= text.len());
        }
    }

    #[test]
    fn jsonish_text_matches_serde_on_validity(text in "[\\[\\]{}\",:0-9eE.+\\-a-z\\\\ \n\u{0}é]{0,40}") {
        let ours = parse_json(&text);
        let theirs = serde_json::from_str::<Value>(&text);
        // serde_json accepts duplicate keys (the last wins); we reject them.
        if ours.as_ref().is_err_and(|e| e.message.starts_with("duplicate key")) {
            return Ok(());
        }
        prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?} {:?}", text, ours);
        if let (Ok(node), Ok(value)) = (&ours, &theirs) {
            prop_assert!(agrees(node, value));
        }
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse_json(&text);
    }
}
