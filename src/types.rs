//! Types of the rule language.

use std::fmt;

use crate::ir::ids::{EnumId, RecordId};

/// Units of quantities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum QUnit {
    Money,
    Hours,
    Days,
    Workdays,
    Weeks,
    Months,
    Years,
    PayPeriods,
}

impl QUnit {
    pub fn name(self) -> &'static str {
        match self {
            QUnit::Money => "money",
            QUnit::Hours => "hours",
            QUnit::Days => "days",
            QUnit::Workdays => "workdays",
            QUnit::Weeks => "weeks",
            QUnit::Months => "months",
            QUnit::Years => "years",
            QUnit::PayPeriods => "pay_periods",
        }
    }

    /// Units that can be added to a date.
    pub fn is_calendar(self) -> bool {
        !matches!(self, QUnit::Money | QUnit::Hours)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Type {
    Bool,
    Int,
    Decimal,
    Percent,
    Qty(QUnit),
    Date,
    Time,
    DateTime,
    YearMonth,
    String,
    Enum(EnumId),
    Record(RecordId),
    List(Box<Type>),
    Optional(Box<Type>),
    /// The type of `none`.
    Null,
    /// The type of `error(…)`: fits anywhere.
    Never,
    /// A type already reported as wrong: suppresses cascading errors.
    Error,
}

impl Type {
    pub fn is_numeric(&self) -> bool {
        matches!(self, Type::Int | Type::Decimal)
    }

    pub fn is_error(&self) -> bool {
        matches!(self, Type::Error | Type::Never)
    }

    pub fn optional(self) -> Type {
        match self {
            Type::Optional(_) | Type::Null | Type::Error | Type::Never => self,
            t => Type::Optional(Box::new(t)),
        }
    }

    /// The type without its `?`.
    pub fn strip_optional(&self) -> &Type {
        match self {
            Type::Optional(t) => t,
            t => t,
        }
    }

    /// Whether a value of type `self` may be used where `want` is expected.
    pub fn fits(&self, want: &Type) -> bool {
        if self == want || self.is_error() || want.is_error() {
            return true;
        }
        match (self, want) {
            (Type::Int, Type::Decimal) => true,
            (Type::Null, Type::Optional(_)) => true,
            (t, Type::Optional(w)) => t.fits(w),
            (Type::List(a), Type::List(b)) => a.fits(b),
            _ => false,
        }
    }

    /// The common type of two branches, if any.
    pub fn join(&self, other: &Type) -> Option<Type> {
        if self.fits(other) && !matches!(other, Type::Never | Type::Error) {
            return Some(other.clone());
        }
        if other.fits(self) {
            return Some(self.clone());
        }
        match (self, other) {
            (Type::Null, t) | (t, Type::Null) => Some(t.clone().optional()),
            (Type::Optional(a), b) | (b, Type::Optional(a)) => a.join(b).map(Type::optional),
            (Type::List(a), Type::List(b)) => a.join(b).map(|t| Type::List(Box::new(t))),
            _ => None,
        }
    }
}

/// Names of enums and records, to display types.
pub trait TypeNames {
    fn enum_name(&self, id: EnumId) -> &str;
    fn record_name(&self, id: RecordId) -> &str;
}

pub struct DisplayType<'a, N: TypeNames + ?Sized>(pub &'a Type, pub &'a N);

impl<N: TypeNames + ?Sized> fmt::Display for DisplayType<'_, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Type::Bool => write!(f, "bool"),
            Type::Int => write!(f, "int"),
            Type::Decimal => write!(f, "decimal"),
            Type::Percent => write!(f, "percent"),
            Type::Qty(u) => write!(f, "{}", u.name()),
            Type::Date => write!(f, "date"),
            Type::Time => write!(f, "time"),
            Type::DateTime => write!(f, "datetime"),
            Type::YearMonth => write!(f, "year_month"),
            Type::String => write!(f, "string"),
            Type::Enum(id) => write!(f, "{}", self.1.enum_name(*id)),
            Type::Record(id) => write!(f, "{}", self.1.record_name(*id)),
            Type::List(t) => write!(f, "list of {}", DisplayType(t, self.1)),
            Type::Optional(t) => write!(f, "{}?", DisplayType(t, self.1)),
            Type::Null => write!(f, "none"),
            Type::Never => write!(f, "error"),
            Type::Error => write!(f, "unknown"),
        }
    }
}

/// Built-in type names as written in source.
pub fn builtin_type(name: &str) -> Option<Type> {
    Some(match name {
        "bool" => Type::Bool,
        "int" => Type::Int,
        "decimal" => Type::Decimal,
        "percent" => Type::Percent,
        "money" => Type::Qty(QUnit::Money),
        "hours" => Type::Qty(QUnit::Hours),
        "days" => Type::Qty(QUnit::Days),
        "workdays" => Type::Qty(QUnit::Workdays),
        "weeks" => Type::Qty(QUnit::Weeks),
        "months" => Type::Qty(QUnit::Months),
        "years" => Type::Qty(QUnit::Years),
        "pay_periods" => Type::Qty(QUnit::PayPeriods),
        "date" => Type::Date,
        "time" => Type::Time,
        "datetime" => Type::DateTime,
        "year_month" => Type::YearMonth,
        "string" => Type::String,
        _ => return None,
    })
}

pub const BUILTIN_TYPE_NAMES: &[&str] = &[
    "bool",
    "int",
    "decimal",
    "percent",
    "money",
    "hours",
    "days",
    "workdays",
    "weeks",
    "months",
    "years",
    "pay_periods",
    "date",
    "time",
    "datetime",
    "year_month",
    "string",
];
