//! A strict RFC 8259 JSON reader into [`FactNode`]s.
//!
//! Hand-written recursive descent over bytes: no trailing commas, no
//! comments, full string escapes (with `\uXXXX` surrogate pairs), duplicate
//! keys rejected, nesting limited to [`MAX_DEPTH`] levels. It never panics and
//! allocates only for the values it returns (a string without escapes is
//! copied once; a number's text likewise).

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};

use super::{FactNode, FactSyntaxError, FactValue, offset_u32};

/// Deepest nesting of arrays and objects accepted.
pub const MAX_DEPTH: usize = 128;

/// Objects with more members than this detect duplicate keys by hashing.
const LINEAR_KEYS: usize = 8;

/// Parse one JSON document (surrounding whitespace allowed, and a byte-order mark
/// at the start, as editors on Windows write it and as the TOML reader accepts).
pub fn parse_json(text: &str) -> Result<FactNode, FactSyntaxError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: if text.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        },
    };
    p.skip_ws();
    let node = p.value(0)?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error_at(p.pos, "unexpected text after the value"));
    }
    Ok(node)
}

/// Parses the one JSON value that starts at byte `pos` of `text`, nested
/// `depth` levels deep already; returns it (offsets into `text`) and the
/// position just after it. For readers that walk the outer levels themselves.
pub fn parse_json_at(text: &str, pos: usize, depth: usize) -> Result<(FactNode, usize), FactSyntaxError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos,
    };
    let node = p.value(depth)?;
    Ok((node, p.pos))
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error_at(&self, pos: usize, message: impl Into<String>) -> FactSyntaxError {
        FactSyntaxError {
            message: message.into(),
            offset: offset_u32(pos),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// The character at `pos`, for messages.
    fn char_at(&self, pos: usize) -> Option<char> {
        self.text.get(pos..).and_then(|s| s.chars().next())
    }

    fn node(&self, value: FactValue, start: usize) -> FactNode {
        FactNode {
            value,
            offset: offset_u32(start),
        }
    }

    fn value(&mut self, depth: usize) -> Result<FactNode, FactSyntaxError> {
        let start = self.pos;
        match self.peek() {
            None => Err(self.error_at(start, "unexpected end of input; expected a value")),
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => {
                let s = self.string()?;
                Ok(self.node(FactValue::String(s), start))
            }
            Some(b't') => self.literal("true", FactValue::Bool(true)),
            Some(b'f') => self.literal("false", FactValue::Bool(false)),
            Some(b'n') => self.literal("null", FactValue::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.unexpected(start, "expected a value")),
        }
    }

    /// "`what`, found `c`" at `pos`.
    fn unexpected(&self, pos: usize, what: &str) -> FactSyntaxError {
        match self.char_at(pos) {
            Some(c) => self.error_at(pos, format!("{what}, found `{}`", shown(c))),
            None => self.error_at(pos, format!("unexpected end of input; {what}")),
        }
    }

    fn literal(&mut self, word: &str, value: FactValue) -> Result<FactNode, FactSyntaxError> {
        let start = self.pos;
        if self.bytes[start..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(self.node(value, start))
        } else {
            Err(self.error_at(start, format!("invalid literal; expected `{word}`")))
        }
    }

    fn digits(&mut self) -> usize {
        let from = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - from
    }

    fn number(&mut self) -> Result<FactNode, FactSyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.error_at(start, "leading zeros are not allowed in numbers"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.unexpected(self.pos, "expected a digit after `-`")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.unexpected(self.pos, "expected a digit after `.`"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.unexpected(self.pos, "expected a digit in the exponent"));
            }
        }
        // Only ASCII bytes were consumed, so both ends are char boundaries.
        let raw = self.text.get(start..self.pos).unwrap_or_default();
        Ok(self.node(FactValue::Number(raw.to_owned()), start))
    }

    /// A string starting at the opening quote; returns its decoded contents.
    fn string(&mut self) -> Result<String, FactSyntaxError> {
        let open = self.pos;
        self.pos += 1;
        let mut chunk_start = self.pos;
        let mut out: Option<String> = None;
        loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err(self.error_at(open, "unterminated string"));
            };
            match b {
                b'"' => {
                    let chunk = self.text.get(chunk_start..self.pos).unwrap_or_default();
                    self.pos += 1;
                    return Ok(match out {
                        Some(mut s) => {
                            s.push_str(chunk);
                            s
                        }
                        None => chunk.to_owned(),
                    });
                }
                b'\\' => {
                    let chunk = self.text.get(chunk_start..self.pos).unwrap_or_default();
                    let s = out.get_or_insert_with(|| String::with_capacity(chunk.len() + 16));
                    s.push_str(chunk);
                    let c = self.escape(open)?;
                    if let Some(s) = out.as_mut() {
                        s.push(c);
                    }
                    chunk_start = self.pos;
                }
                0x00..=0x1f => {
                    let msg = if b == b'\n' {
                        "unterminated string (a line break must be written `\\n`)"
                    } else {
                        "control character in a string; write it as an escape"
                    };
                    return Err(self.error_at(if b == b'\n' { open } else { self.pos }, msg));
                }
                _ => self.pos += 1,
            }
        }
    }

    /// One escape at `self.pos` (the backslash); advances past it.
    fn escape(&mut self, open: usize) -> Result<char, FactSyntaxError> {
        let at = self.pos;
        let Some(&kind) = self.bytes.get(at + 1) else {
            return Err(self.error_at(open, "unterminated string"));
        };
        self.pos += 2;
        let c = match kind {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode_escape(at),
            _ => {
                let c = self.char_at(at + 1).unwrap_or('?');
                return Err(self.error_at(at, format!("invalid escape `\\{}`", shown(c))));
            }
        };
        Ok(c)
    }

    /// Four hex digits at `self.pos`; advances past them.
    fn hex4(&mut self, at: usize) -> Result<u32, FactSyntaxError> {
        let digits = self.bytes.get(self.pos..self.pos + 4).unwrap_or_default();
        let mut value = 0u32;
        for &d in digits {
            let v = (d as char).to_digit(16).ok_or_else(|| self.bad_unicode(at))?;
            value = value * 16 + v;
        }
        if digits.len() < 4 {
            return Err(self.bad_unicode(at));
        }
        self.pos += 4;
        Ok(value)
    }

    fn bad_unicode(&self, at: usize) -> FactSyntaxError {
        self.error_at(at, "invalid unicode escape; expected `\\u` and four hex digits")
    }

    /// The rest of a `\u` escape starting at `at`, with `self.pos` past `\u`.
    fn unicode_escape(&mut self, at: usize) -> Result<char, FactSyntaxError> {
        let unpaired = |p: &Self| p.error_at(at, "unpaired surrogate in a unicode escape");
        let first = self.hex4(at)?;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                    return Err(unpaired(self));
                }
                self.pos += 2;
                let second = self.hex4(self.pos - 2)?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(unpaired(self));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(unpaired(self)),
            _ => first,
        };
        char::from_u32(code).ok_or_else(|| self.bad_unicode(at))
    }

    fn too_deep(&self, depth: usize) -> Option<FactSyntaxError> {
        (depth > MAX_DEPTH).then(|| self.error_at(self.pos, format!("nesting deeper than {MAX_DEPTH} levels")))
    }

    fn array(&mut self, depth: usize) -> Result<FactNode, FactSyntaxError> {
        if let Some(e) = self.too_deep(depth) {
            return Err(e);
        }
        let start = self.pos;
        self.pos += 1;
        self.skip_ws();
        let mut items = Vec::new();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(self.node(FactValue::Array(items), start));
        }
        loop {
            if self.peek() == Some(b']') {
                return Err(self.error_at(self.pos, "trailing comma before `]`"));
            }
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_ws();
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(self.node(FactValue::Array(items), start));
                }
                _ => {
                    return Err(self.unexpected(self.pos, "expected `,` or `]` after an array element"));
                }
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<FactNode, FactSyntaxError> {
        if let Some(e) = self.too_deep(depth) {
            return Err(e);
        }
        let start = self.pos;
        self.pos += 1;
        self.skip_ws();
        let mut members: Vec<(String, FactNode)> = Vec::new();
        let mut keys = KeySet::default();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(self.node(FactValue::Object(members), start));
        }
        loop {
            match self.peek() {
                Some(b'"') => {}
                Some(b'}') => return Err(self.error_at(self.pos, "trailing comma before `}`")),
                _ => return Err(self.unexpected(self.pos, "expected a string key")),
            }
            let key_at = self.pos;
            let key = self.string()?;
            if !keys.insert(&key, &members) {
                return Err(self.error_at(
                    key_at,
                    format!("duplicate key `{}`", key.chars().map(shown).collect::<String>()),
                ));
            }
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.unexpected(self.pos, "expected `:` after an object key"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth)?;
            members.push((key, value));
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_ws();
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(self.node(FactValue::Object(members), start));
                }
                _ => {
                    return Err(self.unexpected(self.pos, "expected `,` or `}` after an object member"));
                }
            }
        }
    }
}

/// A character for a message: quotes and backslashes as they are, invisible
/// characters escaped.
fn shown(c: char) -> String {
    match c {
        '"' | '\'' | '\\' => c.to_string(),
        _ => c.escape_debug().to_string(),
    }
}

/// Duplicate-key detection: a linear scan for small objects, hashes of the
/// keys (confirmed by a scan on a hash match) for large ones.
#[derive(Default)]
struct KeySet {
    hashes: Option<(RandomState, HashSet<u64>)>,
}

impl KeySet {
    /// Whether `key` is new among `members` (and remember it).
    fn insert(&mut self, key: &str, members: &[(String, FactNode)]) -> bool {
        let scan = |members: &[(String, FactNode)]| members.iter().all(|(k, _)| k != key);
        if members.len() < LINEAR_KEYS {
            return scan(members);
        }
        let (state, set) = self.hashes.get_or_insert_with(|| {
            let state = RandomState::new();
            let set = members.iter().map(|(k, _)| state.hash_one(k.as_str())).collect();
            (state, set)
        });
        set.insert(state.hash_one(key)) || scan(members)
    }
}

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
