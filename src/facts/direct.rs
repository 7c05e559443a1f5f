//! The fast path for batches: one JSON record read straight into a case's
//! slots, with no tree in between and no allocation beyond string facts.
//!
//! It handles the ordinary record and declines everything else: a syntax
//! error, a string with escapes, a repeated key, a mistyped value, a group
//! that is not an object. Declined records go through the general reader
//! ([`super::parse_json`] then [`super::load::fill_case`]), which gives the
//! same slots and the exact message; so this path only ever has to be right
//! about records that are right.

use super::json::parse_json_at;
use super::load::{Origin, convert, parse_number};
use crate::eval::{Case, Slot, dates};
use crate::ir::{Default, FactId, FactNodeKind, FactTree, Program};
use crate::types::Type;
use crate::values::value::Value;

/// The declared facts as a tree of keys, built once per program.
#[derive(Debug, Clone)]
pub struct DirectReader {
    root: Keys,
    entries: usize,
    id_field: String,
    /// For each enum (by id), its variants' external names in quotes, as a
    /// record writes them, compared in place before any string is scanned;
    /// none for an enum with a name that is not ASCII or needs an escape.
    spellings: Vec<Box<[Box<[u8]>]>>,
}

#[derive(Debug, Clone)]
struct Entry {
    key: Box<str>,
    /// The key in quotes, as a record writes it (empty when it would need an
    /// escape): matched in place when it is the key expected next.
    quoted: Box<[u8]>,
    /// Index for detecting a repeated key (and for [`Scratch::follow`]).
    ix: usize,
    /// Its place in its level's [`Keys::entries`].
    at: u32,
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    Group(Keys),
    Leaf(Leaf),
}

/// A fact as the reader reads it, decided once per program: its slot when
/// the record gives `null`, and the type of any other value (`none` stripped).
#[derive(Debug, Clone)]
struct Leaf {
    fact: FactId,
    null: Slot,
    ty: Type,
}

impl Leaf {
    fn new(prog: &Program, fact: FactId) -> Leaf {
        let info = &prog.facts[fact];
        let null = match (&info.ty, &info.default) {
            (Type::Optional(_), _) => Slot::Value(Value::None),
            (_, Default::Value(v)) => Slot::Value(v.clone()),
            _ => Slot::Missing,
        };
        let ty = match &info.ty {
            Type::Optional(inner) => (**inner).clone(),
            ty => ty.clone(),
        };
        Leaf { fact, null, ty }
    }
}

/// The keys of one level, grouped by length: a key read is compared only
/// with the few of its length (the top level has some sixty groups).
#[derive(Debug, Clone)]
struct Keys {
    /// Sorted by key length.
    entries: Vec<Entry>,
    /// For each length, the range of `entries` of that length.
    by_len: Vec<(u32, u32)>,
}

impl Keys {
    fn new(mut entries: Vec<Entry>) -> Keys {
        entries.sort_by_key(|e| e.key.len());
        for (i, e) in entries.iter_mut().enumerate() {
            e.at = i as u32;
        }
        let longest = entries.last().map_or(0, |e| e.key.len());
        let mut by_len = vec![(0, 0); longest + 1];
        for (i, e) in entries.iter().enumerate() {
            let range = &mut by_len[e.key.len()];
            if range.1 == range.0 {
                range.0 = i as u32;
            }
            range.1 = i as u32 + 1;
        }
        Keys { entries, by_len }
    }

    fn get(&self, key: &[u8]) -> Option<&Entry> {
        let &(start, end) = self.by_len.get(key.len())?;
        self.entries[start as usize..end as usize]
            .iter()
            .find(|e| same_bytes(e.key.as_bytes(), key))
    }
}

/// Whether `a` and `b` are the same bytes, compared in place: keys, enum
/// names and words are short, and a call to `memcmp` for each cost more than
/// the comparison (measured: ~6% of a batch record went to it).
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    // Two overlapping loads cover every length from one load's size to two.
    macro_rules! two_loads {
        ($t:ty, $w:literal) => {{
            let at = |x: &[u8], i: usize| <$t>::from_le_bytes(x[i..i + $w].try_into().unwrap_or([0; $w]));
            at(a, 0) == at(b, 0) && at(a, n - $w) == at(b, n - $w)
        }};
    }
    match n {
        0 => true,
        1 => a[0] == b[0],
        2..4 => two_loads!(u16, 2),
        4..8 => two_loads!(u32, 4),
        8..=16 => two_loads!(u64, 8),
        _ => a == b,
    }
}

/// Per-worker state: which keys this record has given, and which key came
/// next in the records before.
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    stamps: Vec<u32>,
    generation: u32,
    /// Where in its level the key read next was last time: after each entry
    /// (at its [`Entry::ix`]), first in the top level (one past the entries),
    /// and first in each group (past that, at the group's `ix`). Records of a
    /// batch mostly list their keys alike, so the key expected next is
    /// compared in place before any key is scanned.
    follow: Vec<u32>,
}

impl DirectReader {
    /// A reader for the program's facts; `id_field` is the top-level key
    /// naming a record (read as its id, not as a fact).
    pub fn new(prog: &Program, id_field: &str) -> DirectReader {
        let mut entries = 0;
        let root = build(prog, &prog.fact_tree, &mut entries);
        let spellings = prog
            .enums
            .iter()
            .map(|info| {
                let quoted: Option<_> = info.external.iter().map(|x| quoted(x)).collect();
                quoted.unwrap_or_default()
            })
            .collect();
        DirectReader {
            root,
            entries,
            id_field: id_field.to_string(),
            spellings,
        }
    }

    /// Fills the case from one JSON record, setting `id` from the id field.
    /// False when the record needs the general reader; the case may then be
    /// partly filled (every fact set is in [`Case::given`]). Facts are given
    /// with [`Case::give`]: the caller ends the record with
    /// [`Case::next_record`] (which also forgets the answers memoized before).
    ///
    /// The record is read as bytes, with no separate UTF-8 pass: outside
    /// strings only ASCII is valid JSON (anything else is declined), and each
    /// string is checked as it is read, so a record accepted is UTF-8 text.
    /// `name` names the record in the messages of values read by the general
    /// converter.
    pub fn fill(
        &self,
        case: &mut Case,
        bytes: &[u8],
        name: &str,
        scratch: &mut Scratch,
        id: &mut Option<String>,
    ) -> bool {
        if scratch.stamps.len() != self.entries {
            scratch.stamps = vec![0; self.entries];
            scratch.follow = vec![u32::MAX; 2 * self.entries + 1];
        }
        scratch.generation = scratch.generation.wrapping_add(1);
        if scratch.generation == 0 {
            scratch.stamps.iter_mut().for_each(|s| *s = 0);
            scratch.generation = 1;
        }
        let mut r = Reader {
            text: None,
            bytes,
            pos: 0,
            prog: case.prog,
            name,
            scratch,
            id_field: &self.id_field,
            spellings: &self.spellings,
        };
        r.ws();
        r.object(&self.root, self.entries, case, 1, Some(id)).is_some() && {
            r.ws();
            r.pos == r.bytes.len()
        }
    }
}

fn build(prog: &Program, tree: &FactTree, entries: &mut usize) -> Keys {
    let level = tree
        .children
        .iter()
        .map(|(name, kind)| {
            let ix = *entries;
            *entries += 1;
            let kind = match kind {
                FactNodeKind::Leaf(f) => Kind::Leaf(Leaf::new(prog, *f)),
                FactNodeKind::Group(g) => Kind::Group(build(prog, g, entries)),
            };
            Entry {
                key: name.as_str().into(),
                quoted: quoted(name).unwrap_or_default(),
                ix,
                at: 0,
                kind,
            }
        })
        .collect();
    Keys::new(level)
}

/// `s` in quotes, as JSON writes it when it needs no escape and is ASCII
/// (`None` otherwise): the bytes a record has for it, compared in place.
fn quoted(s: &str) -> Option<Box<[u8]>> {
    s.bytes()
        .all(|b| !STOP[b as usize])
        .then(|| format!("\"{s}\"").into_bytes().into_boxed_slice())
}

/// The bytes that end the ASCII run of a string: its end, an escape, a
/// control character, or the first byte of a character beyond ASCII.
const STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = c == b'"' as usize || c == b'\\' as usize || c < 0x20 || c >= 0x80;
        c += 1;
    }
    t
};

/// Where the ASCII run at the start of `bytes` ends: the index of the first
/// byte of [`STOP`], eight bytes at a time; `None` when there is none.
fn ascii_run(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte of `v` that is below `n` (n ≤ 0x80). A byte
    // above a flagged one may be flagged too (a borrow), never one below: so
    // the lowest flag of the union is the first stopping byte.
    let below = |v: u64, n: u8| v.wrapping_sub(ONES * u64::from(n)) & !v & HIGHS;
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        let stops = below(x ^ (ONES * u64::from(b'"')), 1)
            | below(x ^ (ONES * u64::from(b'\\')), 1)
            | below(x, 0x20)
            | (x & HIGHS);
        if stops != 0 {
            return Some(at + (stops.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let rest = chunks.remainder();
    rest.iter().position(|&c| STOP[c as usize]).map(|i| at + i)
}

/// Bytes the reader has seen to be ASCII, as text.
///
/// # Safety
///
/// Every byte of `bytes` is below 0x80 (ASCII, and so UTF-8).
unsafe fn ascii(bytes: &[u8]) -> &str {
    debug_assert!(bytes.is_ascii());
    // SAFETY: the caller's promise: ASCII is UTF-8.
    unsafe { std::str::from_utf8_unchecked(bytes) }
}

struct Reader<'t, 'a> {
    /// The whole record as text, once a value needs the general reader.
    text: Option<&'t str>,
    bytes: &'t [u8],
    pos: usize,
    prog: &'a Program,
    name: &'a str,
    scratch: &'a mut Scratch,
    id_field: &'a str,
    spellings: &'a [Box<[Box<[u8]>]>],
}

impl<'t> Reader<'t, '_> {
    /// The record as text (checked once, when first asked for).
    fn text(&mut self) -> Option<&'t str> {
        if self.text.is_none() {
            self.text = Some(std::str::from_utf8(self.bytes).ok()?);
        }
        self.text
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek() == Some(b)).then(|| self.pos += 1)
    }

    /// `b`, after any whitespace (looked for only when `b` is not next, as
    /// in a record written compactly).
    #[inline(always)]
    fn punct(&mut self, b: u8) -> Option<()> {
        if self.eat(b).is_none() {
            self.ws();
            self.eat(b)?;
        }
        Some(())
    }

    /// Whether `w`'s bytes come next.
    #[inline(always)]
    fn starts_with(&self, w: &[u8]) -> bool {
        let end = self.pos + w.len();
        end <= self.bytes.len() && same_bytes(&self.bytes[self.pos..end], w)
    }

    fn word(&mut self, w: &str) -> Option<()> {
        self.starts_with(w.as_bytes()).then(|| self.pos += w.len())
    }

    /// A string without escapes or control characters: its bytes, not yet
    /// checked as UTF-8 (see [`Reader::string`]).
    /// Whether the string was all ASCII is the second of the pair.
    #[inline(always)]
    fn raw_string(&mut self) -> Option<(&'t [u8], bool)> {
        self.eat(b'"')?;
        let start = self.pos;
        let bytes: &'t [u8] = self.bytes;
        let mut len = ascii_run(&bytes[start..])?;
        let ascii = bytes[start + len] < 0x80;
        if !ascii {
            len += bytes[start + len..]
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
        }
        self.pos = start + len;
        self.eat(b'"')?;
        Some((&bytes[start..start + len], ascii))
    }

    /// A string without escapes or control characters; UTF-8 checked only
    /// when it is not all ASCII.
    fn string(&mut self) -> Option<&'t str> {
        match self.raw_string()? {
            // SAFETY: the `STOP` scan (`ascii_run`) found no byte of 0x80 or above.
            (raw, true) => Some(unsafe { ascii(raw) }),
            (raw, false) => std::str::from_utf8(raw).ok(),
        }
    }

    /// A number's text, checked against JSON's grammar.
    fn number(&mut self) -> Option<&'t str> {
        let start = self.pos;
        let digits = |r: &mut Self| {
            let s = r.pos;
            while r.peek().is_some_and(|c| c.is_ascii_digit()) {
                r.pos += 1;
            }
            r.pos > s
        };
        let _ = self.eat(b'-');
        if self.eat(b'0').is_none() && !digits(self) {
            return None;
        }
        if self.eat(b'.').is_some() && !digits(self) {
            return None;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return None;
            }
        }
        // SAFETY: only ASCII digits, signs, points and exponents were read.
        Some(unsafe { ascii(&self.bytes[start..self.pos]) })
    }

    /// An object of `keys`' level; at the top level (`id` given) the id field
    /// is read too. `start` is where [`Scratch::follow`] keeps the object's
    /// first key.
    fn object(
        &mut self,
        keys: &Keys,
        start: usize,
        case: &mut Case,
        depth: usize,
        mut id: Option<&mut Option<String>>,
    ) -> Option<()> {
        self.eat(b'{')?;
        self.ws();
        if self.eat(b'}').is_some() {
            return Some(());
        }
        // Keys that name no fact (an id, a comment field): at most a few.
        let mut unknown: [&str; 8] = [""; 8];
        let mut unknowns = 0;
        let mut before = start;
        loop {
            if self.peek() != Some(b'"') {
                self.ws();
            }
            let (entry, key) = match self.expected(keys, before) {
                Some(e) => (Some(e), &*e.key),
                None => {
                    // A key that names a fact is ASCII; any other is checked as text.
                    let (raw, all_ascii) = self.raw_string()?;
                    let entry = keys.get(raw);
                    let key = match entry {
                        Some(e) => {
                            self.scratch.follow[before] = e.at;
                            &*e.key
                        }
                        // SAFETY: the `STOP` scan (`ascii_run`) found no byte of 0x80 or above.
                        None if all_ascii => unsafe { ascii(raw) },
                        None => std::str::from_utf8(raw).ok()?,
                    };
                    (entry, key)
                }
            };
            if let Some(e) = entry {
                before = e.ix;
            }
            self.punct(b':')?;
            self.ws();
            match entry {
                Some(_) if id.is_some() && key == self.id_field => return None,
                Some(e) => {
                    if std::mem::replace(&mut self.scratch.stamps[e.ix], self.scratch.generation)
                        == self.scratch.generation
                    {
                        return None;
                    }
                    match &e.kind {
                        Kind::Group(g) if self.peek() == Some(b'{') => {
                            let first = self.scratch.stamps.len() + 1 + e.ix;
                            self.object(g, first, case, depth + 1, None)?
                        }
                        Kind::Group(_) => self.word("null")?,
                        Kind::Leaf(leaf) => self.leaf(leaf, case, depth)?,
                    }
                }
                None => {
                    // A key that names no fact is a likely typo, which the general
                    // reader reports: only the id field is skipped here.
                    if key != self.id_field || unknowns == unknown.len() || unknown[..unknowns].contains(&key) {
                        return None;
                    }
                    unknown[unknowns] = key;
                    unknowns += 1;
                    match id.as_deref_mut() {
                        Some(id) if key == self.id_field => *id = self.id_value(depth)?,
                        _ => self.skip(depth)?,
                    }
                }
            }
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Some(());
                }
                _ => {
                    self.ws();
                    if self.eat(b',').is_none() {
                        return self.eat(b'}');
                    }
                }
            }
        }
    }

    /// The key that followed `before` last time, when it is next: read in
    /// place (see [`Scratch::follow`]).
    #[inline(always)]
    fn expected<'k>(&mut self, keys: &'k Keys, before: usize) -> Option<&'k Entry> {
        let e = keys.entries.get(self.scratch.follow[before] as usize)?;
        if e.quoted.is_empty() || !self.starts_with(&e.quoted) {
            return None;
        }
        self.pos += e.quoted.len();
        Some(e)
    }

    fn skip(&mut self, depth: usize) -> Option<()> {
        let (_, end) = parse_json_at(self.text()?, self.pos, depth).ok()?;
        self.pos = end;
        Some(())
    }

    /// The id field's value: a string or a number as text, none for `null`;
    /// anything else is declined (the general reader reports it).
    fn id_value(&mut self, _depth: usize) -> Option<Option<String>> {
        match self.peek()? {
            b'"' => Some(Some(self.string()?.to_string())),
            b'-' | b'0'..=b'9' => Some(Some(self.number()?.to_string())),
            b'n' => self.word("null").map(|()| None),
            _ => None,
        }
    }

    fn leaf(&mut self, leaf: &Leaf, case: &mut Case, depth: usize) -> Option<()> {
        if self.peek() == Some(b'n') {
            self.word("null")?;
            case.give(leaf.fact, leaf.null.clone(), false);
        } else {
            let v = self.value(&leaf.ty, depth)?;
            case.give_value(leaf.fact, v);
        }
        Some(())
    }

    fn boolean(&mut self) -> Option<Value> {
        match self.peek()? {
            b't' => self.word("true").map(|()| Value::Bool(true)),
            b'f' => self.word("false").map(|()| Value::Bool(false)),
            _ => None,
        }
    }

    /// A variant of enum `e`, by its external name or its own: the external
    /// names in quotes compared in place first (see [`DirectReader::spellings`]).
    fn variant(&mut self, e: crate::ir::EnumId) -> Option<Value> {
        let quoted = &self.spellings[e.index()];
        if let Some(ix) = quoted.iter().position(|q| self.starts_with(q)) {
            self.pos += quoted[ix].len();
            return Some(Value::Enum(ix as u32));
        }
        let s = self.string()?;
        let info = &self.prog.enums[e.index()];
        let ix = info
            .external
            .iter()
            .position(|x| same_bytes(x.as_bytes(), s.as_bytes()))
            .or_else(|| info.variants.iter().position(|x| x == s))?;
        Some(Value::Enum(ix as u32))
    }

    /// A date: its ten bytes read in place between their quotes (a date has
    /// nothing a string scan looks for), else as any string.
    fn date(&mut self) -> Option<dates::Day> {
        let quoted = self.bytes.get(self.pos..self.pos + 12);
        if let Some(q) = quoted
            && q[0] == b'"'
            && q[11] == b'"'
            && let Some(d) = q[1..11].try_into().ok().and_then(dates::parse_date_bytes)
        {
            self.pos += 12;
            return Some(d);
        }
        dates::parse_date(self.string()?)
    }

    /// A value of the declared type (not null).
    fn value(&mut self, ty: &Type, depth: usize) -> Option<Value> {
        Some(match ty {
            Type::Optional(inner) => return self.value(inner, depth),
            Type::Bool => self.boolean()?,
            Type::Int | Type::Decimal | Type::Percent | Type::Qty(_) if self.peek() != Some(b'"') => {
                let n = parse_number(self.number()?)?;
                match ty {
                    Type::Int if !n.fract().is_zero() => return None,
                    Type::Percent => Value::Num(n / rust_decimal::Decimal::from(100)),
                    _ => Value::Num(n),
                }
            }
            Type::Date => Value::Date(self.date()?),
            Type::Time => Value::Time(dates::parse_time(self.string()?)?),
            Type::DateTime => Value::DateTime(dates::parse_datetime(self.string()?)?),
            Type::YearMonth => Value::YearMonth(dates::parse_year_month(self.string()?)?),
            Type::String => Value::Str(self.string()?.into()),
            Type::Enum(e) => self.variant(*e)?,
            _ => {
                let text = self.text()?;
                let (node, end) = parse_json_at(text, self.pos, depth).ok()?;
                self.pos = end;
                let origin = Origin { name: self.name, text };
                convert(self.prog, &node, ty, &origin).ok()?
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// After one record the reader expects each key where it came: the keys
    /// that followed every key it read are learned (and read in place next time).
    #[test]
    fn the_keys_that_followed_are_learned() {
        let prog = crate::builtin::load().0.expect("the built-in program checks");
        let reader = super::DirectReader::new(&prog, "id");
        let mut scratch = super::Scratch::default();
        let mut line = String::new();
        crate::batch::generate::grievance_record(&mut line, 3, 1);
        let mut case = crate::eval::Case::new(&prog);
        assert!(reader.fill(&mut case, line.as_bytes(), "t", &mut scratch, &mut None));
        let learned = scratch.follow.iter().filter(|&&at| at != u32::MAX).count();
        // Every key but the id (not a fact): the first of each object, and each after another.
        let keys = line.matches("\":").count() - 1;
        assert_eq!(learned, keys, "{line}");
    }

    use super::{STOP, ascii_run, same_bytes};

    /// The scan by table, byte by byte: what `ascii_run` must find.
    fn by_table(bytes: &[u8]) -> Option<usize> {
        bytes.iter().position(|&c| STOP[c as usize])
    }

    #[test]
    fn every_byte_at_every_place_of_a_word() {
        for stop in 0..=255u8 {
            for at in 0..20 {
                let mut bytes = vec![b'a'; 24];
                bytes[at] = stop;
                assert_eq!(ascii_run(&bytes), by_table(&bytes), "byte {stop:#x} at {at}");
            }
        }
    }

    proptest! {
        #[test]
        fn same_bytes_is_equality(a in proptest::collection::vec(0u8..4, 0..20), flip in any::<prop::sample::Index>()) {
            prop_assert!(same_bytes(&a, &a.clone()));
            // The same length, one byte changed anywhere: unequal.
            if !a.is_empty() {
                let mut b = a.clone();
                let i = flip.index(b.len());
                b[i] ^= 0x80;
                prop_assert!(!same_bytes(&a, &b));
            }
            // Another length: unequal.
            prop_assert!(!same_bytes(&a, &a[..a.len().saturating_sub(1)]) || a.is_empty());
        }

        #[test]
        fn the_word_scan_is_the_table_scan(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            prop_assert_eq!(ascii_run(&bytes), by_table(&bytes));
        }

        #[test]
        fn the_word_scan_finds_the_end_of_text(text in "[ -~]{0,40}", end in prop::sample::select(vec![b'"', b'\\', b'\n', 0xC3u8, 0x7F])) {
            let mut bytes = text.into_bytes();
            bytes.push(end);
            bytes.extend_from_slice(b"tail \" more");
            prop_assert_eq!(ascii_run(&bytes), by_table(&bytes));
        }
    }
}
