//! The registry of diagnostic codes: every code the tool can report, once.
//!
//! Each code's documentation shows an input that triggers it and the style of its
//! message; `tests/codes.rs` checks that each code has a test file under
//! `tests/check/` or `tests/lint/` whose snapshot shows it, and that no test file
//! shows a code missing here. `E00xx` are syntax, `E01xx` declarations, `E02xx`
//! names, `E03xx` types, `E04xx` dependencies, `W03xx` checker warnings and `W06xx`
//! lints.

macro_rules! codes {
    ($( $(#[doc = $doc:literal])* $name:ident = $code:literal, )*) => {
        /// A stable diagnostic code, shown as `error[E0201]`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( $(#[doc = $doc])* $name, )*
        }

        impl Code {
            /// Every code, in the registry's order.
            pub const ALL: &'static [Code] = &[$(Code::$name,)*];

            /// The code as shown to users, e.g. `E0201`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( Code::$name => $code, )*
                }
            }

            /// The code whose text is `s`, e.g. `E0201`.
            pub fn parse(s: &str) -> Option<Code> {
                Code::ALL.iter().copied().find(|c| c.as_str() == s)
            }
        }
    };
}

codes! {
    /// Syntax error: `unexpected `:``, `expected an expression, found end of input`.
    /// Input: `rule x: date §6.A` followed by an expression without `=`
    /// (tests/check/syntax-missing-body.cba).
    Syntax = "E0001",
    /// Nesting too deep to parse: `nesting too deep` (a thousand `[`), or, as a safety
    /// net behind that guard, `this input is too complex to parse` when the parser's call
    /// limit is reached (the grammar is linear and the limit grows with the input, so no
    /// real text reaches it; it was `E0006`, which no input could show).
    /// (tests/check/nesting-too-deep.cba)
    TooDeep = "E0002",
    /// `unterminated string`: a `"` with no closing quote before the end of the line.
    /// (tests/check/syntax-unterminated-string.cba)
    UnterminatedString = "E0003",
    /// A `///` doc comment that documents nothing: `a doc comment must come before a module, item, …`.
    /// (tests/check/syntax-doc-comment.cba)
    DocComment = "E0004",
    /// `a file must start with `module NAME``: a file beginning with `rule`.
    /// (tests/check/syntax-no-module.cba)
    NoModule = "E0005",
    /// `the file is not UTF-8 text`, at the first byte that is not: a rule file saved
    /// as Latin-1. (tests/conventions.rs `check_reports_a_non_utf8_file_at_its_first_bad_byte`)
    NotUtf8 = "E0007",
    /// A bad date literal: `invalid date `2025-02-30``, `malformed date `2025-2-14``.
    /// (tests/check/literal-bad-date.cba)
    BadDate = "E0010",
    /// A bad time literal: `invalid time `25:00``. (tests/check/literal-bad-time.cba)
    BadTime = "E0011",
    /// An integer literal past 64 bits: `integer `99999999999999999999` is too large`.
    /// (tests/check/literal-int-too-large.cba)
    IntTooLarge = "E0012",
    /// A warning: money written with more than two decimals, `$0.125`.
    /// (tests/check/literal-money-decimals.cba)
    MoneyDecimals = "E0013",
    /// A decimal literal that cannot be represented: `number `…` is too large or too precise`
    /// (more than 28 significant digits). (tests/check/literal-number-too-large.cba)
    NumberTooLarge = "E0014",
    /// `unknown escape `\q` in a string`. (tests/check/literal-bad-escape.cba)
    BadEscape = "E0015",
    /// `only a named function can be called`: `max(1, 2)(3)`. (tests/check/syntax-call-not-name.cba)
    CallNotName = "E0020",
    /// `` `sort … by` needs a name for the element ``: `sort([3, 1] by k)`.
    /// (tests/check/syntax-sort-variable.cba)
    SortVariable = "E0021",
    /// `` `fold` needs `NAME in LIST` ``: `fold(a = 0, [1, 2] => a)`.
    /// (tests/check/syntax-fold-variable.cba)
    FoldVariable = "E0022",
    /// `comparisons cannot be chained`: `1 < x < 3`. (tests/check/syntax-chained-comparison.cba)
    ChainedComparison = "E0023",
    /// `an exception cannot have `otherwise``. (tests/check/syntax-exception-otherwise.cba)
    ExceptionOtherwise = "E0024",
    /// `` `holidays` is given twice in this calendar ``.
    /// (tests/check/syntax-calendar-duplicate.cba)
    CalendarDuplicate = "E0025",
    /// `??` mixed with an arithmetic or comparison operator without parentheses:
    /// `oral_on ?? received_on + 20 workdays`; the help shows both readings.
    /// (tests/check/coalesce-mixed.cba)
    CoalesceMixed = "E0026",
    /// A digit-grouped number (`2,087`) inside an argument list or a list literal,
    /// where the comma could also separate two items: `round(x / 2,087, $0.01)`;
    /// `` `2,087` between commas could be one number or several ``, help `write `2087`, or `(2,087)``.
    /// (tests/check/grouped-number-in-arguments.cba)
    GroupedNumberInList = "E0027",
    /// `module `calendar` is declared twice`. (tests/check/duplicate-module.cba)
    DuplicateModule = "E0101",
    /// `` `step1_days` is declared twice in module `bad` ``. (tests/check/duplicate-rule.cba)
    DuplicateItem = "E0102",
    /// `unknown module `calender``, in `use calender.{…}`. (tests/check/unknown-module.cba)
    UnknownModule = "E0103",
    /// `module `calendar` has no item `add_workday``. (tests/check/unknown-import.cba)
    UnknownImport = "E0104",
    /// `rule `bad.knew_on` has the same name as a fact`. (tests/check/rule-named-like-fact.cba)
    RuleNamedLikeFact = "E0105",
    /// `unknown type `dates``, with did-you-mean. (tests/check/unknown-type.cba)
    UnknownType = "E0106",
    /// One fact declared with two types. (tests/check/fact-conflicting-types.cba)
    FactConflictingTypes = "E0107",
    /// `variant `mail` is listed twice`. (tests/check/duplicate-variant.cba)
    DuplicateVariant = "E0108",
    /// `field `date` is declared twice`. (tests/check/duplicate-field.cba)
    DuplicateField = "E0109",
    /// `parameter `a` is declared twice`. (tests/check/duplicate-parameter.cba)
    DuplicateParameter = "E0110",
    /// `section cited without an article`: `§6.A` in a module with no `article` line.
    /// (tests/check/citation-without-article.cba)
    SectionWithoutArticle = "E0113",
    /// `unknown name `step1_dayz``, with did-you-mean. (tests/check/unknown-name.cba)
    UnknownName = "E0201",
    /// `unknown fact `grievance.step1.recieved_on``. (tests/check/unknown-fact.cba)
    UnknownFact = "E0202",
    /// `` `Entry` has no field `hour` ``. (tests/check/unknown-field.cba)
    UnknownField = "E0203",
    /// `` `grievance.step1` is a group of facts, not a value ``. (tests/check/fact-group-as-value.cba)
    FactGroupAsValue = "E0204",
    /// `` `comercial` is not a variant of `Method` ``, or an unknown weekday.
    /// (tests/check/unknown-variant.cba)
    UnknownVariant = "E0205",
    /// A rule called with arguments, or a function named without them.
    /// (tests/check/rule-called-as-function.cba, tests/check/function-without-arguments.cba)
    CallMismatch = "E0206",
    /// A table used without a key, or called like a function. (tests/check/table-without-key.cba)
    TableMisused = "E0207",
    /// `` `Method` is a type, not a value ``. (tests/check/type-as-value.cba)
    TypeAsValue = "E0208",
    /// `unknown function `add_workday``. (tests/check/unknown-function.cba)
    UnknownFunction = "E0209",
    /// `exception to unknown rule `cap_hour``. (tests/check/exception-unknown-rule.cba)
    ExceptionUnknownRule = "E0210",
    /// An inline test expecting a rule the module does not have. (tests/check/test-unknown-rule.cba)
    TestUnknownRule = "E0211",
    /// `the answer of `x` should be `date`, but this is `bool``. (tests/check/type-mismatch.cba)
    TypeMismatch = "E0301",
    /// `cannot negate `date``: unary minus on something not a number or quantity.
    /// (tests/check/negate-date.cba)
    NegateNonNumber = "E0302",
    /// `cannot compare `date` with `money``. (tests/check/compare-mismatched.cba)
    CompareMismatched = "E0303",
    /// `a unit word needs a number, but this is `date``. (tests/check/unit-on-non-number.cba)
    UnitOnNonNumber = "E0304",
    /// `when` branches giving different types. (tests/check/branch-types-differ.cba)
    BranchTypesDiffer = "E0305",
    /// `` `first(…)` may be none ``: a field of an optional record. (tests/check/optional-field-access.cba)
    OptionalFieldAccess = "E0307",
    /// `` `in` needs a list, but this is `date` ``. (tests/check/in-not-a-list.cba)
    NotAList = "E0308",
    /// `` `Entry` values cannot be ordered ``. (tests/check/order-records.cba)
    NoOrder = "E0309",
    /// Arithmetic on types that do not combine: `date + money`. (tests/check/date-plus-money.cba)
    BadArithmetic = "E0310",
    /// Arithmetic on two quantities of different units: `5 days + 35 workdays`.
    /// (tests/check/days-plus-workdays.cba)
    MixedUnits = "E0311",
    /// `` `when` branches without `otherwise` ``. (tests/check/missing-otherwise.cba)
    MissingOtherwise = "E0312",
    /// `field `hours` is missing` in a record literal. (tests/check/record-missing-field.cba)
    RecordMissingField = "E0313",
    /// `table `transit_cap` takes 1 key(s), but 2 were given`. (tests/check/table-key-count.cba)
    WrongKeyCount = "E0314",
    /// `` `extension` takes 1 argument(s), but 0 were given ``. (tests/check/wrong-argument-count.cba)
    WrongArgumentCount = "E0315",
    /// `wrong arguments for `sum`: (date)`. (tests/check/wrong-builtin-arguments.cba)
    WrongBuiltinArguments = "E0316",
    /// `this must be a constant`: a fact default that reads facts. (tests/check/non-constant-default.cba)
    NonConstant = "E0317",
    /// Table rows nested deeper or shallower than the table's keys.
    /// (tests/check/table-nesting.cba)
    TableNesting = "E0319",
    /// `rows of a table by date start with `from``. (tests/check/table-dated-rows.cba)
    TableDatedRows = "E0320",
    /// `this key has two rows`. (tests/check/table-duplicate-key.cba)
    TableDuplicateKey = "E0321",
    /// `a second workday calendar`. (tests/check/second-calendar.cba)
    SecondCalendar = "E0322",
    /// A calendar whose holidays are not `(year: int): list of date`, or whose closures
    /// are not a fact `list of date`. (tests/check/calendar-bad-holidays.cba)
    BadCalendar = "E0323",
    /// `rules depend on each other in a cycle: a → b → a`. (tests/check/cycle.cba)
    Cycle = "E0401",
    /// A warning: `` `??` has no effect: the left side is `date`, never none ``.
    /// (tests/check/coalesce-never-none.cba)
    CoalesceNoEffect = "W0301",
    /// A warning: `` the enum value `fax` is written as a string ``: `"fax"` where an enum is
    /// expected (accepted, the same value); one spelling everywhere is the bare `fax`.
    /// (tests/check/quoted-variant.cba)
    QuotedVariant = "W0302",
    /// Lint: `rule `x` cites no part of the Agreement`. (tests/lint/rule-without-citation.cba)
    NoCitation = "W0601",
    /// Lint: `this branch of `x` can never fire`. (tests/lint/branch-never-fires.cba)
    NeverFires = "W0602",
    /// Lint: effective dates out of order or overlapping. (tests/lint/dates-out-of-order.cba)
    DatesOutOfOrder = "W0603",
    /// Lint: a fact no rule reads. (tests/lint/unused-fact.cba)
    UnusedFact = "W0604",
    /// Lint: a rule nothing uses. (tests/lint/unused-rule.cba)
    UnusedRule = "W0605",
    /// Lint: a citation the Agreement's text does not have. (tests/lint/citation-not-in-article.cba)
    CitationNotInArticle = "W0606",
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}
