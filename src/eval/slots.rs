//! A case's facts: a date, an enum variant or a truth value in one word (the
//! form lowered code computes in), anything else in its [`Slot`].
//!
//! Giving a record's dates and enums, putting back a fact's default and
//! reading a fact in a rule are then a word's copy and a comparison, not a
//! tagged value's clone, drop and match. A fact's word is [`IN_SLOT`] when its
//! slot holds it instead: a fact of another type, a missing or mistyped fact,
//! or a value that is not of the fact's word kind (a caller may set any value).

use super::value::Value;
use super::{Case, Slot};
use crate::ir::{FactId, Program};

/// The word of a fact that its slot holds: larger than every value's word
/// (days and variants are 32-bit, `none` is `i64::MIN`), so "the word holds
/// the value" is one comparison.
pub(crate) const IN_SLOT: i64 = i64::MAX;

/// The facts whose values fit a word, by what the word means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WordKind {
    /// `0` or `1`.
    Bool,
    /// A day number, or `none` (`i64::MIN`).
    Day,
    /// A variant index, or `none` (`i64::MIN`).
    Variant,
}

/// The word of `none`: below every day and variant, as the language orders
/// `none` (lowered code's one-word values share it).
pub(crate) const NONE: i64 = i64::MIN;

impl WordKind {
    /// How each of a program's facts is held (`None`: in its slot): as lowered
    /// code computes its kind, so a read in that kind's representation is the
    /// word itself.
    pub fn of_facts(prog: &Program) -> Box<[Option<WordKind>]> {
        use super::code::Kind;
        prog.facts
            .iter()
            .map(|f| match Kind::of_type(&f.ty) {
                Kind::Bool => Some(WordKind::Bool),
                Kind::Day => Some(WordKind::Day),
                Kind::Variant => Some(WordKind::Variant),
                _ => None,
            })
            .collect()
    }

    /// `v` as a word of this kind, if it is one.
    #[inline]
    pub fn word(self, v: &Value) -> Option<i64> {
        Some(match (self, v) {
            (WordKind::Bool, Value::Bool(b)) => i64::from(*b),
            (WordKind::Day, Value::Date(d)) => i64::from(*d),
            (WordKind::Variant, Value::Enum(x)) => i64::from(*x),
            (WordKind::Day | WordKind::Variant, Value::None) => NONE,
            _ => return None,
        })
    }

    /// The value of word `w` (not [`IN_SLOT`]).
    #[inline]
    pub fn value(self, w: i64) -> Value {
        match self {
            _ if w == NONE && self != WordKind::Bool => Value::None,
            WordKind::Bool => Value::Bool(w != 0),
            WordKind::Day => Value::Date(w as i32),
            WordKind::Variant => Value::Enum(w as u32),
        }
    }
}

/// A fact's state as a case holds it: given to cases of one program (see
/// [`super::Case::held`]) without a tagged value's clone, match and drop.
#[derive(Debug, Clone)]
pub enum Held {
    /// A date, enum variant or truth value, as its word.
    Word(i64),
    Slot(Slot),
}

/// Every fact of a case, by fact index.
#[derive(Clone)]
pub(crate) struct FactSlots<'p> {
    kinds: &'p [Option<WordKind>],
    words: Vec<i64>,
    /// The slot of each fact whose word is [`IN_SLOT`]; [`Slot::Missing`] for
    /// the others (so a word's fact holds nothing here to drop).
    slots: Vec<Slot>,
}

impl<'p> FactSlots<'p> {
    /// The facts `slots`, held as `kinds` says.
    pub fn new(kinds: &'p [Option<WordKind>], slots: impl IntoIterator<Item = Slot>) -> FactSlots<'p> {
        let mut out = FactSlots {
            kinds,
            words: vec![IN_SLOT; kinds.len()],
            slots: vec![Slot::Missing; kinds.len()],
        };
        for (i, s) in slots.into_iter().enumerate() {
            out.set(i, s);
        }
        out
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Fact `i`'s word: its value, or [`IN_SLOT`].
    #[inline(always)]
    pub fn word(&self, i: usize) -> i64 {
        self.words[i]
    }

    /// The facts' words, by fact index, for generated code to read (see
    /// [`super::native`]); valid while the facts are neither added nor set.
    pub fn words_ptr(&self) -> *const i64 {
        self.words.as_ptr()
    }

    /// Fact `i`'s slot, when its word is [`IN_SLOT`] (else [`Slot::Missing`]).
    #[inline(always)]
    pub fn in_slot(&self, i: usize) -> &Slot {
        &self.slots[i]
    }

    /// Fact `i`'s state.
    pub fn get(&self, i: usize) -> Slot {
        match (self.words[i], self.kinds[i]) {
            (w, Some(k)) if w != IN_SLOT => Slot::Value(k.value(w)),
            _ => self.slots[i].clone(),
        }
    }

    /// Whether fact `i` has a value (neither missing nor mistyped).
    #[inline]
    pub fn has_value(&self, i: usize) -> bool {
        self.words[i] != IN_SLOT || matches!(self.slots[i], Slot::Value(_))
    }

    /// Sets fact `i`.
    #[inline]
    pub fn set(&mut self, i: usize, slot: Slot) {
        match slot {
            Slot::Value(v) => self.set_value(i, v),
            other => self.set_in_slot(i, other),
        }
    }

    /// Sets fact `i` to value `v`.
    #[inline(always)]
    pub fn set_value(&mut self, i: usize, v: Value) {
        if let Some(k) = self.kinds[i]
            && let Some(w) = k.word(&v)
        {
            // A value with a word owns nothing: there is nothing to drop.
            std::mem::forget(v);
            self.set_word(i, w);
        } else {
            self.set_in_slot(i, Slot::Value(v));
        }
    }

    /// Sets fact `i` to `slot`, held in its slot (its word [`IN_SLOT`]).
    #[inline(always)]
    fn set_in_slot(&mut self, i: usize, slot: Slot) {
        self.words[i] = IN_SLOT;
        self.slots[i] = slot;
    }

    /// Fact `i` as [`Held`].
    pub fn held(&self, i: usize) -> Held {
        match self.words[i] {
            IN_SLOT => Held::Slot(self.slots[i].clone()),
            w => Held::Word(w),
        }
    }

    /// Sets fact `i` as `h` holds it (taken from a case of the same program).
    #[inline(always)]
    pub fn set_held(&mut self, i: usize, h: &Held) {
        match h {
            Held::Word(w) => self.set_word(i, *w),
            Held::Slot(s) => {
                self.words[i] = IN_SLOT;
                self.slots[i] = s.clone();
            }
        }
    }

    /// Sets fact `i` to the value of word `w` (not [`IN_SLOT`]).
    #[inline(always)]
    fn set_word(&mut self, i: usize, w: i64) {
        if self.words[i] == IN_SLOT {
            // What the slot held goes: a word's fact keeps nothing there.
            self.slots[i] = Slot::Missing;
        }
        self.words[i] = w;
    }

    /// Sets fact `i` as `from` (of the same program) holds it.
    #[inline(always)]
    pub fn copy(&mut self, i: usize, from: &FactSlots) {
        match from.words[i] {
            IN_SLOT => {
                self.words[i] = IN_SLOT;
                self.slots[i] = from.slots[i].clone();
            }
            w => self.set_word(i, w),
        }
    }

    /// Every fact's state, by fact index.
    pub fn all(&self) -> Vec<Slot> {
        (0..self.len()).map(|i| self.get(i)).collect()
    }

    /// Each mistyped fact's message, by fact index, to rewrite in place.
    pub fn bad_mut(&mut self) -> impl Iterator<Item = (usize, &mut std::sync::Arc<str>)> {
        self.slots.iter_mut().enumerate().filter_map(|(i, s)| match s {
            Slot::Bad(why) => Some((i, why)),
            _ => None,
        })
    }
}

/// Reading and setting a case's facts.
impl Case<'_> {
    /// Fact `f`'s state.
    pub fn slot(&self, f: FactId) -> Slot {
        self.facts.get(f.index())
    }

    /// Sets fact `f`, returning what it was; memoized answers are kept (call
    /// [`Case::reset_memo`] after the changes).
    pub fn set_slot(&mut self, f: FactId, slot: Slot) -> Slot {
        let old = self.facts.get(f.index());
        self.facts.set(f.index(), slot);
        old
    }

    /// Every fact's state, by fact index.
    pub fn slots(&self) -> Vec<Slot> {
        self.facts.all()
    }

    /// Sets every fact as `slots` says, by fact index (when there is one a
    /// fact); memoized answers are kept.
    pub fn set_slots(&mut self, slots: &[Slot]) {
        if slots.len() == self.facts.len() {
            for (i, s) in slots.iter().enumerate() {
                self.facts.set(i, s.clone());
            }
        }
    }

    /// Rewrites each mistyped fact's message with `f` (given the fact's index
    /// and the message; `None` keeps it).
    pub fn rewrite_bad(&mut self, mut f: impl FnMut(usize, &str) -> Option<String>) {
        for (i, why) in self.facts.bad_mut() {
            if let Some(new) = f(i, why) {
                *why = new.into();
            }
        }
    }

    /// Whether fact `f` has a value (is neither missing nor mistyped).
    #[inline]
    pub(crate) fn has_value(&self, f: FactId) -> bool {
        self.facts.has_value(f.index())
    }

    /// Gives fact `f` the value `v` for the record being filled (see [`Case::give`]).
    #[inline]
    pub fn give_value(&mut self, f: FactId, v: Value) {
        let i = f.index();
        self.facts.set_value(i, v);
        self.provided[i] = true;
        self.given.give(i);
    }

    /// Fact `f` as the case holds it, to give to other cases of the program
    /// with [`Case::give_held`] (cheaper than a [`Slot`] to copy and give).
    pub fn held(&self, f: FactId) -> Held {
        self.facts.held(f.index())
    }

    /// Gives fact `f` as `h` holds it for the record being filled (see [`Case::give`]).
    #[inline(always)]
    pub fn give_held(&mut self, f: FactId, h: &Held, provided: bool) {
        let i = f.index();
        self.facts.set_held(i, h);
        self.provided[i] = provided;
        self.given.give(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A fact reads back as it was set, whether its word or its slot holds it,
    /// and changing from one to the other leaves nothing behind.
    #[test]
    fn facts_read_back_as_set() {
        let kinds = [Some(WordKind::Day), Some(WordKind::Variant), Some(WordKind::Bool), None];
        let mut f = FactSlots::new(&kinds, vec![Slot::Missing; 4]);
        let states = [
            Slot::Missing,
            Slot::Bad(Arc::from("is not a date")),
            Slot::Value(Value::None),
            Slot::Value(Value::Date(i32::MIN)),
            Slot::Value(Value::Date(20_000)),
            Slot::Value(Value::Enum(0)),
            Slot::Value(Value::Enum(u32::MAX)),
            Slot::Value(Value::Bool(true)),
            Slot::Value(Value::Bool(false)),
            Slot::Value(Value::Str(Arc::from("text"))),
        ];
        for i in 0..kinds.len() {
            for s in &states {
                f.set(i, s.clone());
                assert_eq!(format!("{:?}", f.get(i)), format!("{s:?}"), "fact {i}");
                assert_eq!(f.has_value(i), matches!(s, Slot::Value(_)));
                let copied = {
                    let mut g = FactSlots::new(&kinds, vec![Slot::Missing; 4]);
                    g.copy(i, &f);
                    g.get(i)
                };
                assert_eq!(format!("{copied:?}"), format!("{s:?}"));
                let mut g = FactSlots::new(&kinds, vec![Slot::Bad(Arc::from("before")); 4]);
                g.set_held(i, &f.held(i));
                assert_eq!(format!("{:?}", g.get(i)), format!("{s:?}"), "held");
                if let Slot::Value(v) = s {
                    let mut g = FactSlots::new(&kinds, vec![Slot::Bad(Arc::from("before")); 4]);
                    g.set_value(i, v.clone());
                    assert_eq!(format!("{:?}", g.get(i)), format!("{s:?}"), "given a value");
                }
                if f.word(i) != IN_SLOT {
                    assert!(
                        matches!(f.in_slot(i), Slot::Missing),
                        "a word's fact keeps nothing in its slot"
                    );
                }
            }
        }
        // Only a value of the fact's kind is a word.
        f.set(0, Slot::Value(Value::Enum(3)));
        assert_eq!(f.word(0), IN_SLOT);
        f.set(2, Slot::Value(Value::None));
        assert_eq!(f.word(2), IN_SLOT, "a truth value's word has no none");
        f.set(1, Slot::Value(Value::None));
        assert_eq!(f.word(1), NONE);
    }
}
