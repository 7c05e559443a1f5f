//! A fact's state in one case.

use std::sync::Arc;

use super::value::Value;

/// A fact's state in one case.
#[derive(Debug, Clone)]
pub enum Slot {
    Value(Value),
    Missing,
    /// Present but not of the declared type: the message says where and why.
    Bad(Arc<str>),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A slot's clone is the slot: a missing fact, a plain value, text that
    /// shares its characters, and a bad fact's message.
    #[test]
    fn a_slot_clone_is_the_slot() {
        let text: Arc<str> = Arc::from("retirement");
        let why: Arc<str> = Arc::from("is not a date");
        let slots = [
            Slot::Missing,
            Slot::Value(Value::Date(20_100)),
            Slot::Value(Value::None),
            Slot::Value(Value::Str(text.clone())),
            Slot::Bad(why.clone()),
        ];
        let copies = slots.to_vec();
        for (s, c) in slots.iter().zip(&copies) {
            assert_eq!(format!("{s:?}"), format!("{c:?}"));
        }
        assert_eq!((Arc::strong_count(&text), Arc::strong_count(&why)), (3, 3));
        drop(copies);
        drop(slots);
        assert_eq!((Arc::strong_count(&text), Arc::strong_count(&why)), (1, 1));
    }
}
