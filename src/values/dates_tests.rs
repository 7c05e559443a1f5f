use super::*;
use chrono::{Datelike, NaiveDate, TimeDelta};
use proptest::prelude::*;

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()
}

fn chrono_of(day: Day) -> NaiveDate {
    epoch().checked_add_signed(TimeDelta::days(day as i64)).unwrap()
}

fn ymd(s: &str) -> Day {
    parse_date(s).unwrap()
}

#[test]
fn known_days() {
    assert_eq!(from_ymd(1970, 1, 1), Some(0));
    assert_eq!(from_ymd(1969, 12, 31), Some(-1));
    assert_eq!(from_ymd(2000, 3, 1), Some(11017));
    assert_eq!(to_ymd(0), (1970, 1, 1));
    assert_eq!(to_ymd(-719_468), (0, 3, 1));
    assert_eq!(from_ymd(2023, 2, 29), None);
    assert_eq!(from_ymd(2024, 2, 29).map(to_ymd), Some((2024, 2, 29)));
    assert_eq!(from_ymd(2024, 13, 1), None);
    assert_eq!(from_ymd(2024, 4, 31), None);
    assert_eq!(from_ymd(2024, 4, 0), None);
    assert_eq!(from_ymd(MAX_YEAR + 1, 1, 1), None);
    assert_eq!(to_ymd(Day::MIN).1, to_ymd(Day::MIN).1.clamp(1, 12));
}

#[test]
fn input_and_date_builtin_years_run_from_1_to_9999() {
    assert_eq!(parse_date("0000-12-31"), None);
    assert_eq!(parse_date("0001-01-01"), from_ymd(1, 1, 1));
    assert_eq!(parse_date("9999-12-31"), from_ymd(9999, 12, 31));
    assert_eq!(parse_datetime("0000-06-01T00:00"), None);
    assert_eq!(from_ymd_in_range(0, 1, 1), None);
    assert_eq!(from_ymd_in_range(1, 1, 1), from_ymd(1, 1, 1));
    assert_eq!(from_ymd_in_range(9999, 12, 31), from_ymd(9999, 12, 31));
    assert_eq!(from_ymd_in_range(10000, 1, 1), None);
}

#[test]
fn weekdays() {
    assert_eq!(weekday(0), 3); // Thursday
    assert_eq!(weekday(ymd("2025-02-14")), 4); // Friday
    assert_eq!(weekday(ymd("2023-01-01")), 6); // Sunday
    assert_eq!(weekday(ymd("1900-01-01")), 0); // Monday
    assert_eq!(weekday(Day::MIN), weekday(Day::MIN));
    assert!(weekday(Day::MIN) < 7 && weekday(Day::MAX) < 7);
}

#[test]
fn month_arithmetic() {
    assert_eq!(add_months(ymd("2024-01-31"), 1), Some(ymd("2024-02-29")));
    assert_eq!(add_months(ymd("2023-01-31"), 1), Some(ymd("2023-02-28")));
    assert_eq!(add_months(ymd("2024-03-31"), -1), Some(ymd("2024-02-29")));
    assert_eq!(add_months(ymd("2024-02-29"), 12), Some(ymd("2025-02-28")));
    assert_eq!(add_months(ymd("2024-05-15"), 18), Some(ymd("2025-11-15")));
    assert_eq!(add_months(ymd("2024-05-15"), 0), Some(ymd("2024-05-15")));
    assert_eq!(add_months(ymd("9999-12-01"), 1), None);
    assert_eq!(add_months(ymd("0001-01-01"), -1), None);
    assert_eq!(add_months(0, i64::MAX), None);
    assert_eq!(add_months(0, i64::MIN), None);
    assert_eq!(last_day_of_month(ymd("2024-02-10")), ymd("2024-02-29"));
    assert_eq!(last_day_of_month(ymd("2023-12-31")), ymd("2023-12-31"));
}

#[test]
fn formats() {
    assert_eq!(format_date(ymd("2025-02-14")), "2025-02-14");
    assert_eq!(format_date(from_ymd(10000, 1, 1).unwrap()), "+10000-01-01");
    assert_eq!(format_date(from_ymd(-1, 12, 31).unwrap()), "-0001-12-31");
    assert_eq!(format_date(from_ymd(0, 1, 1).unwrap()), "0000-01-01");
    for bad in ["2025-2-14", "2025-02-30", "2025/02/14", "2025-02-14 ", "+202-02-14", ""] {
        assert_eq!(parse_date(bad), None, "{bad}");
    }
    assert_eq!(parse_time("09:30"), Some(570));
    assert_eq!(parse_time("23:59:00"), Some(1439));
    assert_eq!(parse_time("23:59:01"), None);
    assert_eq!(parse_time("24:00"), None);
    assert_eq!(parse_time("09:60"), None);
    assert_eq!(parse_time("9:30"), None);
    assert_eq!(format_time(570), "09:30");
    let dt = parse_datetime("2025-02-14T09:30").unwrap();
    assert_eq!(parse_datetime("2025-02-14 09:30"), Some(dt));
    assert_eq!(parse_datetime("2025-02-14T09:30:00"), Some(dt));
    assert_eq!(parse_datetime("2025-02-14X09:30"), None);
    assert_eq!(parse_datetime("2025-02-14T09:30:00Z"), None);
    assert_eq!(parse_datetime("2025-02-14T"), None);
    assert_eq!(format_datetime(dt), "2025-02-14T09:30");
    assert_eq!(format_datetime(-1), "1969-12-31T23:59");
    assert_eq!(split_datetime(dt), (ymd("2025-02-14"), 570));
    assert_eq!(make_datetime(ymd("2025-02-14"), 570), dt);
    assert_eq!(parse_year_month("2025-02"), Some(2025 * 12 + 1));
    assert_eq!(parse_year_month("2025-13"), None);
    assert_eq!(parse_year_month("2025-00"), None);
    assert_eq!(format_year_month(2025 * 12 + 1), "2025-02");
    assert_eq!(year_month_of(ymd("2024-02-10")), 2024 * 12 + 1);
    assert_eq!(first_day(2024 * 12 + 1), ymd("2024-02-01"));
    assert_eq!(last_day(2024 * 12 + 1), ymd("2024-02-29"));
    assert_eq!(first_day(i32::MAX), Day::MAX);
    assert_eq!(last_day(i32::MIN), Day::MIN);
}

#[test]
fn multibyte_input_does_not_panic() {
    for s in ["2025-02-1é", "é025-02-14T09:30", "2025-02-14T09:3é", "09:3é", "2025-0é"] {
        assert_eq!(parse_date(s), None);
        assert_eq!(parse_datetime(s), None);
        assert_eq!(parse_time(s), None);
        assert_eq!(parse_year_month(s), None);
    }
}

proptest! {
    #[test]
    fn ymd_roundtrip(y in MIN_YEAR..=MAX_YEAR, m in 1u32..=12, d in 1u32..=31) {
        match from_ymd(y, m, d) {
            Some(day) => prop_assert_eq!(to_ymd(day), (y, m, d)),
            None => prop_assert!(d > days_in_month(y, m)),
        }
    }

    #[test]
    fn day_roundtrip(day in any::<Day>()) {
        let (y, m, d) = to_ymd(day);
        if (MIN_YEAR..=MAX_YEAR).contains(&y) {
            prop_assert_eq!(from_ymd(y, m, d), Some(day));
        }
        prop_assert!((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m));
    }

    #[test]
    fn agrees_with_chrono(day in -90_000_000..90_000_000i32) {
        let c = chrono_of(day);
        prop_assert_eq!(to_ymd(day), (c.year(), c.month(), c.day()));
        prop_assert_eq!(weekday(day) as u32, c.weekday().num_days_from_monday());
        prop_assert_eq!(from_ymd(c.year(), c.month(), c.day()), Some(day));
        prop_assert_eq!(last_day_of_month(day) - day,
            (c.with_day(1).unwrap().checked_add_months(chrono::Months::new(1)).unwrap()
                - c).num_days() as i32 - 1);
    }

    #[test]
    fn agrees_with_chrono_near_now(day in -80_000..120_000i32) {
        let c = chrono_of(day);
        prop_assert_eq!(format_date(day), c.format("%Y-%m-%d").to_string());
        prop_assert_eq!(parse_date(&c.to_string()), Some(day));
    }

    #[test]
    fn add_months_invariants(day in -700_000..2_900_000i32, n in -30_000i64..30_000) {
        let (y, m, d) = to_ymd(day);
        match add_months(day, n) {
            Some(r) => {
                let (ry, rm, rd) = to_ymd(r);
                prop_assert!(rd <= d);
                prop_assert_eq!(rd, d.min(days_in_month(ry, rm)));
                prop_assert_eq!(year_month_of(r) as i64 - year_month_of(day) as i64, n);
                prop_assert!((1..=9999).contains(&ry));
                // Agreement with chrono where chrono can represent it.
                let c = chrono_of(day);
                let cr = if n >= 0 {
                    c.checked_add_months(chrono::Months::new(n as u32))
                } else {
                    c.checked_sub_months(chrono::Months::new((-n) as u32))
                };
                prop_assert_eq!(Some(chrono_of(r)), cr);
            }
            None => {
                let ny = (y as i64 * 12 + m as i64 - 1 + n).div_euclid(12);
                prop_assert!(!(1..=9999).contains(&ny));
            }
        }
    }

    #[test]
    fn date_parse_format(day in -719_162..2_932_897i32) { // 0001-01-01 ..= 9999-12-31
        prop_assert_eq!(parse_date(&format_date(day)), Some(day));
        prop_assert_eq!(format_date(day).len(), 10);
    }

    #[test]
    fn time_parse_format(t in 0u32..1440) {
        prop_assert_eq!(parse_time(&format_time(t)), Some(t));
    }

    #[test]
    fn datetime_parse_format(dt in -719_162i64 * 1440..253_402_300_800i64 / 60) {
        let s = format_datetime(dt);
        prop_assert_eq!(parse_datetime(&s), Some(dt));
        prop_assert_eq!(parse_datetime(&s.replace('T', " ")), Some(dt));
        prop_assert_eq!(parse_datetime(&format!("{s}:00")), Some(dt));
    }

    #[test]
    fn year_month_parse_format(ym in 0..120_000i32) {
        prop_assert_eq!(parse_year_month(&format_year_month(ym)), Some(ym));
        prop_assert_eq!(year_month_of(first_day(ym)), ym);
        prop_assert_eq!(year_month_of(last_day(ym)), ym);
        prop_assert_eq!(year_month_of(last_day(ym) + 1), ym + 1);
        prop_assert_eq!(last_day_of_month(first_day(ym)), last_day(ym));
    }

    /// Near-dates (digits, signs, letters, spaces, any byte where a digit
    /// goes) are read exactly as the plain reading digit by digit ([`digits`],
    /// as times and year-months are read) reads them.
    #[test]
    fn date_parse_is_the_digit_by_digit_reading(s in "[0-9/:a +-]{4}-[0-9/:a +-]{2}-[0-9/:a +-]{2}|[0-9]{4}-[0-9]{2}-[0-9]{2}|.{10}") {
        let b = s.as_bytes();
        let plain = (b.len() == 10 && b[4] == b'-' && b[7] == b'-')
            .then(|| from_ymd_in_range(digits(&b[..4])? as i32, digits(&b[5..7])?, digits(&b[8..10])?))
            .flatten();
        prop_assert_eq!(parse_date(&s), plain);
    }

    #[test]
    fn parsers_never_panic(s in "\\PC{0,20}") {
        let _ = (parse_date(&s), parse_time(&s), parse_datetime(&s), parse_year_month(&s));
    }
}

/// Dates of 1900–2199 are written from tables: every day of the tables, and
/// the day before and after them, reads as the calendar computes it.
#[test]
fn dates_written_by_table_are_the_calendar_dates() {
    let (first, last) = (ymd("1900-01-01"), ymd("2199-12-31"));
    for day in first - 400..=last + 400 {
        let (y, m, d) = to_ymd(day);
        assert_eq!(format_date(day), format!("{y:04}-{m:02}-{d:02}"), "day {day}");
        assert_eq!(format_date(day), chrono_of(day).format("%Y-%m-%d").to_string());
    }
    assert_eq!(format_date(first - 1), "1899-12-31");
    assert_eq!(format_date(first), "1900-01-01");
    assert_eq!(format_date(last), "2199-12-31");
    assert_eq!(format_date(last + 1), "2200-01-01");
    assert_eq!(format_date(ymd("2000-02-29")), "2000-02-29");
    assert_eq!(format_date(ymd("2100-03-01") - 1), "2100-02-28");
}

#[test]
fn dates_read_by_table_are_the_calendar_dates() {
    // Every day of the table's years and of a year on either side, read back
    // from its parts: by table inside 1900–2199, by arithmetic outside.
    let (first, last) = (ymd("1899-01-01"), ymd("2200-12-31"));
    for day in first..=last {
        let (y, m, d) = to_ymd(day);
        assert_eq!(from_ymd(y, m, d), Some(day), "{y}-{m}-{d}");
        assert_eq!(chrono_of(day), NaiveDate::from_ymd_opt(y, m, d).expect("a date"));
    }
    // Days that do not exist stay refused at the table's edges.
    assert_eq!(from_ymd(1900, 2, 29), None);
    assert_eq!(from_ymd(2000, 2, 29), Some(ymd("2000-02-29")));
    assert_eq!(from_ymd(2199, 12, 32), None);
    assert_eq!(from_ymd(2100, 2, 29), None);
}

/// Every year, month and day of the table's years and the years beside them,
/// valid or not (day 0, February 29 of a common year, month 13), reads as the
/// calendar computes it without the table.
#[test]
fn from_ymd_by_table_is_the_calendar() {
    for y in TABLE_FIRST_YEAR - 2..=TABLE_FIRST_YEAR + TABLE_YEARS as i32 + 2 {
        for m in 0..=13 {
            for d in 0..=32 {
                let plain = ((1..=12).contains(&m) && (1..=days_in_month(y, m)).contains(&d))
                    .then(|| days_from_civil(y as i64, m, d) as Day);
                assert_eq!(from_ymd(y, m, d), plain, "{y}-{m}-{d}");
            }
        }
    }
}

/// A date's bytes as a reader hands them over (not always text): every byte
/// value in every place of a few dates (the digits, the dashes) is read as
/// the digit-by-digit reading reads it, so the word-at-a-time reading takes
/// no byte for a digit that is not one.
#[test]
fn date_bytes_are_read_as_digit_by_digit_whatever_the_byte() {
    let plain = |b: &[u8; 10]| {
        (b[4] == b'-' && b[7] == b'-')
            .then(|| from_ymd_in_range(digits(&b[..4])? as i32, digits(&b[5..7])?, digits(&b[8..10])?))
            .flatten()
    };
    let mut read = 0;
    for date in [
        "2024-02-29",
        "1999-12-31",
        "0001-01-01",
        "9999-12-31",
        "2100-02-28",
        "1900-03-01",
    ] {
        let base: [u8; 10] = date.as_bytes().try_into().expect("ten bytes");
        for at in 0..10 {
            for byte in 0..=255u8 {
                let mut b = base;
                b[at] = byte;
                assert_eq!(parse_date_bytes(&b), plain(&b), "{b:?}");
                read += usize::from(plain(&b).is_some());
            }
        }
    }
    assert!(read > 200, "{read}");
}
