//! Runtime values. Units and types are static (the checker knows them), so a
//! value is only its data: money, hours and durations are all `Num`.

use std::sync::Arc;

use rust_decimal::Decimal;

/// `Eq` and `Hash` agree: a number hashes by its value (`1.0` like `1.00`).
///
/// The tag is a whole word (`repr(u32)`), so every payload starts aligned: a
/// value is copied as three words rather than byte by byte (24 bytes either way).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[repr(u32)]
pub enum Value {
    Bool(bool),
    /// int, decimal, percent (as a fraction), money, hours and durations.
    Num(#[serde(with = "decimal_bits")] Decimal),
    /// Days since 1970-01-01.
    Date(i32),
    /// Minutes since midnight.
    Time(u32),
    /// Minutes since 1970-01-01T00:00.
    DateTime(i64),
    /// Months since year 0: `y * 12 + (m - 1)`.
    YearMonth(i32),
    Str(Arc<str>),
    /// Variant index (the enum is known statically).
    Enum(u32),
    List(Arc<[Value]>),
    Record(Arc<[Value]>),
    None,
}

/// A decimal as its 16 bytes ([`Decimal::serialize`]): exact, and readable by
/// formats that do not describe themselves (the built-in program is embedded
/// with postcard).
mod decimal_bits {
    use rust_decimal::Decimal;

    pub fn serialize<S: serde::Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&d.serialize(), s)
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        let bytes: [u8; 16] = serde::Deserialize::deserialize(d)?;
        Ok(Decimal::deserialize(bytes))
    }
}

impl Value {
    pub fn int(n: i64) -> Value {
        Value::Num(Decimal::from(n))
    }

    /// Total order among values of one type (used by sort, min, max, comparisons).
    pub fn cmp_same(&self, other: &Value) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        match (self, other) {
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::Num(a), Value::Num(b)) => a.cmp(b),
            (Value::Date(a), Value::Date(b)) => a.cmp(b),
            (Value::Time(a), Value::Time(b)) => a.cmp(b),
            (Value::DateTime(a), Value::DateTime(b)) => a.cmp(b),
            (Value::YearMonth(a), Value::YearMonth(b)) => a.cmp(b),
            (Value::Str(a), Value::Str(b)) => a.cmp(b),
            (Value::Enum(a), Value::Enum(b)) => a.cmp(b),
            (Value::List(a), Value::List(b)) | (Value::Record(a), Value::Record(b)) => {
                for (x, y) in a.iter().zip(b.iter()) {
                    let o = x.cmp_same(y);
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                a.len().cmp(&b.len())
            }
            (Value::None, Value::None) => Ordering::Equal,
            (Value::None, _) => Ordering::Less,
            (_, Value::None) => Ordering::Greater,
            _ => Ordering::Equal,
        }
    }
}

#[cfg(test)]
mod tests {
    /// A value, and a result holding one, stay three words: every node of
    /// evaluation moves them.
    #[test]
    fn a_value_is_three_words() {
        assert_eq!(std::mem::size_of::<super::Value>(), 24);
        assert_eq!(std::mem::size_of::<Result<super::Value, std::sync::Arc<u8>>>(), 24);
    }
}
