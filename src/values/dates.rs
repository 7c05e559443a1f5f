//! Calendar primitives: dates as day numbers, times of day, date-times and
//! year-months as plain integers, with fast conversion, parsing and formatting.
//!
//! * [`Day`]: days since 1970-01-01 (proleptic Gregorian calendar).
//! * time of day: minutes since midnight, `u32` in `0..1440`.
//! * date-time: minutes since 1970-01-01T00:00, `i64`.
//! * year-month: months since year 0, `i32` (`y * 12 + m - 1`).
//!
//! The civil-date conversions are Howard Hinnant's `days_from_civil` and
//! `civil_from_days` (<https://howardhinnant.github.io/date_algorithms.html>),
//! computed in `i64` so that they never overflow for any `i32` day.

use std::fmt;

/// Days since 1970-01-01; 0 is 1970-01-01, negative before.
pub type Day = i32;

/// Minutes in a day.
pub const MINUTES_PER_DAY: i64 = 1440;

/// The years [`from_ymd`] accepts.
pub const MIN_YEAR: i32 = -1_000_000;
/// The years [`from_ymd`] accepts.
pub const MAX_YEAR: i32 = 1_000_000;

/// The years dates may have in facts, `date(…)` and date arithmetic.
pub const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;
/// The years [`add_months`] may produce.
const SANE_YEARS: std::ops::RangeInclusive<i64> = 1..=9999;

/// [`from_ymd`] limited to the years of [`YEARS`] (what `date(…)` and fact files accept).
#[inline]
pub fn from_ymd_in_range(y: i32, m: u32, d: u32) -> Option<Day> {
    if YEARS.contains(&y) { from_ymd(y, m, d) } else { None }
}

/// Whether `y` is a leap year of the proleptic Gregorian calendar.
pub fn is_leap_year(y: i32) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// Number of days in month `m` (1..=12) of year `y`; 0 for an invalid month.
pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Day number of a civil date, without validation (any `y`, `m` in 1..=12).
const fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let mp = if m > 2 { m - 3 } else { m + 9 } as i64; // [0, 11], March first
    let doy = (153 * mp + 2) / 5 + d as i64 - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The day number of 0001-01-01, the first day of [`YEARS`].
pub const FIRST_DAY: i64 = days_from_civil(1, 1, 1);
/// The day number of 9999-12-31, the last day of [`YEARS`].
pub const LAST_DAY: i64 = days_from_civil(9999, 12, 31);

/// The day of a valid date; `None` for an invalid month or day, or a year
/// outside [`MIN_YEAR`]`..=`[`MAX_YEAR`].
#[inline]
pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Day> {
    if !(1..=12).contains(&m) || d == 0 {
        return None;
    }
    let i = y.wrapping_sub(TABLE_FIRST_YEAR) as usize;
    if i < TABLE_YEARS {
        // By table: the year's first day and the days before the month (and
        // the month's length from the days before the next).
        let leap = YEAR_STARTS[i + 1] - YEAR_STARTS[i] == 366;
        let before = &DAYS_BEFORE_MONTH[leap as usize];
        let (m, d) = (m as usize, d as Day);
        return (d <= before[m] - before[m - 1]).then(|| YEAR_STARTS[i] + before[m - 1] + d - 1);
    }
    if !(MIN_YEAR..=MAX_YEAR).contains(&y) || d > days_in_month(y, m) {
        return None;
    }
    Day::try_from(days_from_civil(y as i64, m, d)).ok()
}

/// Year, month (1..=12) and day of month (1..=31) of a day.
pub fn to_ymd(day: Day) -> (i32, u32, u32) {
    let z = day as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32; // [1, 31]
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32; // [1, 12]
    let y = yoe + era * 400 + i64::from(m <= 2);
    // |y| < 2^31 / 365 for every i32 day, so the cast is exact.
    (y as i32, m, d)
}

/// Day of the week: 0 = Monday … 6 = Sunday.
pub fn weekday(day: Day) -> u8 {
    // 1970-01-01 was a Thursday (3).
    (day as i64 + 3).rem_euclid(7) as u8
}

/// `day` plus `n` months: the same day of month, clamped to the last day of
/// the target month (2024-01-31 + 1 month = 2024-02-29). `None` when the
/// result's year is outside 1..=9999.
pub fn add_months(day: Day, n: i64) -> Option<Day> {
    let (y, m, d) = to_ymd(day);
    let total = (y as i64 * 12 + (m as i64 - 1)).checked_add(n)?;
    let ny = total.div_euclid(12);
    if !SANE_YEARS.contains(&ny) {
        return None;
    }
    let ny = ny as i32;
    let nm = total.rem_euclid(12) as u32 + 1;
    from_ymd(ny, nm, d.min(days_in_month(ny, nm)))
}

/// The last day of the month `day` is in.
pub fn last_day_of_month(day: Day) -> Day {
    let (y, m, d) = to_ymd(day);
    day + (days_in_month(y, m) - d) as Day
}

/// The value of `n` ASCII digits, or `None` if any byte is not a digit.
fn digits(bytes: &[u8]) -> Option<u32> {
    bytes
        .iter()
        .try_fold(0u32, |acc, &b| b.is_ascii_digit().then(|| acc * 10 + (b - b'0') as u32))
}

/// Parse exactly `YYYY-MM-DD` (a valid date of years 1 to 9999: there is no year 0).
pub fn parse_date(s: &str) -> Option<Day> {
    parse_date_bytes(s.as_bytes().try_into().ok()?)
}

/// [`parse_date`] of ten bytes (a reader's, in place), a word at a time: the
/// first eight bytes (`YYYY-MM-`) as one `u64`, the day's two as another.
#[inline]
pub fn parse_date_bytes(b: &[u8; 10]) -> Option<Day> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const DASHES: u64 = 0xFF00_00FF_0000_0000; // bytes 4 and 7
    let mut first = [0; 8];
    first.copy_from_slice(&b[..8]);
    let lo = u64::from_le_bytes(first);
    if lo & DASHES != (ONES * u64::from(b'-')) & DASHES {
        return None;
    }
    // Each digit's value (the dashes' bytes cleared): a byte that is not a
    // digit comes out as 10 or more.
    let ys = (lo ^ (ONES * u64::from(b'0'))) & !DASHES;
    let ds = u64::from(u16::from_le_bytes([b[8], b[9]]) ^ 0x3030);
    // A byte of 10 or more gains its high bit from adding 0x76 (no byte
    // below 0x80 carries into the next); one of 0x80 or more has it already.
    let over_nine = |x: u64| ((x + ONES * 0x76) | x) & (ONES * 0x80) != 0;
    if over_nine(ys) || over_nine(ds) {
        return None;
    }
    // Pairs of digits: byte 0 the year's first two, byte 2 its last two.
    let pairs = (ys * 10 + (ys >> 8)) & 0x00FF_00FF;
    let year = (pairs & 0xFF) * 100 + ((pairs >> 16) & 0xFF);
    let month = ((ys >> 40) & 0xFF) * 10 + ((ys >> 48) & 0xFF);
    let day = (ds & 0xFF) * 10 + (ds >> 8);
    from_ymd_in_range(year as i32, month as u32, day as u32)
}

/// Write `n` (< 10^width) as exactly `width` zero-padded digits into `buf`.
fn put_digits(buf: &mut [u8], mut n: u32) {
    for slot in buf.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// Write a day as `YYYY-MM-DD` without allocating. Years outside 0..=9999
/// are written with a sign (`+10000-01-01`, `-0001-12-31`).
pub fn write_date<W: fmt::Write + ?Sized>(out: &mut W, day: Day) -> fmt::Result {
    if let Some(buf) = table_date(day) {
        return out.write_str(ascii_text(&buf)?);
    }
    let (y, m, d) = to_ymd(day);
    if !(0..=9999).contains(&y) {
        return write!(out, "{y:+05}-{m:02}-{d:02}");
    }
    let y = y as u32;
    let [y0, y1] = pair(y / 100);
    let [y2, y3] = pair(y % 100);
    let [m0, m1] = pair(m);
    let [d0, d1] = pair(d);
    let buf = [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1];
    out.write_str(ascii_text(&buf)?)
}

/// A day of the table's years (see [`write_date`]) as its ten bytes, by
/// table: the year from its first day, the month and day from the day of
/// the year. `None` outside the table's years.
#[inline]
fn table_date(day: Day) -> Option<[u8; 10]> {
    if !(YEAR_STARTS[0]..YEAR_STARTS[TABLE_YEARS]).contains(&day) {
        return None;
    }
    let offset = (day - YEAR_STARTS[0]) as usize;
    let mut y = offset / 365;
    while YEAR_STARTS[y] > day {
        y -= 1;
    }
    let leap = YEAR_STARTS[y + 1] - YEAR_STARTS[y] == 366;
    let md = MONTH_DAYS[leap as usize][(day - YEAR_STARTS[y]) as usize];
    let year = TABLE_FIRST_YEAR as u32 + y as u32;
    let [y0, y1] = pair(year / 100);
    let [y2, y3] = pair(year % 100);
    Some([y0, y1, y2, y3, b'-', md[0], md[1], b'-', md[3], md[4]])
}

/// A day in quotes, as JSON writes it: [`write_date`]'s text, pushed at once
/// (a batch answer line is mostly dates).
pub fn push_quoted_date(out: &mut String, day: Day) {
    if let Some([a, b, c, d, e, f, g, h, i, j]) = table_date(day)
        && let Ok(text) = ascii_text(&[b'"', a, b, c, d, e, f, g, h, i, j, b'"'])
    {
        return out.push_str(text);
    }
    out.push('"');
    let _ = write_date(out, day);
    out.push('"');
}

/// Digits and dashes as text: checked as ASCII (a word or two of the bytes at
/// once), not by the general UTF-8 check, which costs more than the date.
fn ascii_text(buf: &[u8]) -> Result<&str, fmt::Error> {
    if !buf.is_ascii() {
        return Err(fmt::Error);
    }
    // SAFETY: every byte was just checked to be ASCII, and ASCII is UTF-8.
    Ok(unsafe { std::str::from_utf8_unchecked(buf) })
}

/// The years whose dates [`write_date`] writes from tables (built at compile time).
const TABLE_FIRST_YEAR: i32 = 1900;
const TABLE_YEARS: usize = 300;

/// The day number of 1 January of each year of the table, and of the year after it.
const YEAR_STARTS: [Day; TABLE_YEARS + 1] = {
    let mut t = [0; TABLE_YEARS + 1];
    // 1900-01-01: seventy years and seventeen leap days before 1970-01-01.
    let mut day = -25_567;
    let mut i = 0;
    while i <= TABLE_YEARS {
        t[i] = day;
        let y = TABLE_FIRST_YEAR + i as i32;
        let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
        day += if leap { 366 } else { 365 };
        i += 1;
    }
    t
};

/// The days of a common year (0) and of a leap year (1) before each month.
const DAYS_BEFORE_MONTH: [[Day; 13]; 2] = {
    let mut t = [[0; 13]; 2];
    let mut leap = 0;
    while leap < 2 {
        let lengths = [31, 28 + leap as Day, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        let mut m = 1;
        while m <= 12 {
            t[leap][m] = t[leap][m - 1] + lengths[m - 1];
            m += 1;
        }
        leap += 1;
    }
    t
};

/// `MM-DD` of each day of a common year (0) and of a leap year (1).
const MONTH_DAYS: [[[u8; 5]; 366]; 2] = {
    let mut t = [[[b'-'; 5]; 366]; 2];
    let mut leap = 0;
    while leap < 2 {
        let lengths = [31, 28 + leap, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        let (mut m, mut d, mut doy) = (0, 1, 0);
        while m < 12 {
            let month = m + 1;
            t[leap][doy] = [
                b'0' + (month / 10) as u8,
                b'0' + (month % 10) as u8,
                b'-',
                b'0' + (d / 10) as u8,
                b'0' + (d % 10) as u8,
            ];
            doy += 1;
            d += 1;
            if d > lengths[m] {
                d = 1;
                m += 1;
            }
        }
        leap += 1;
    }
    t
};

/// The two digits of 0..=99, from a table (a date is written in four pairs).
fn pair(n: u32) -> [u8; 2] {
    const PAIRS: [[u8; 2]; 100] = {
        let mut t = [[0u8; 2]; 100];
        let mut i = 0;
        while i < 100 {
            t[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
            i += 1;
        }
        t
    };
    PAIRS[n as usize % 100]
}

/// A day as `YYYY-MM-DD`.
pub fn format_date(day: Day) -> String {
    let mut s = String::with_capacity(10);
    // Writing to a String cannot fail.
    let _ = write_date(&mut s, day);
    s
}

/// Parse `HH:MM` or `HH:MM:00` into minutes since midnight.
pub fn parse_time(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    match b.len() {
        5 => {}
        8 if &b[5..] == b":00" => {}
        _ => return None,
    }
    if b[2] != b':' {
        return None;
    }
    let (h, m) = (digits(&b[..2])?, digits(&b[3..5])?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// Write a time of day (minutes since midnight) as `HH:MM` without
/// allocating. Values of 1440 and above wrap around the day.
pub fn write_time<W: fmt::Write + ?Sized>(out: &mut W, minutes: u32) -> fmt::Result {
    let minutes = minutes % MINUTES_PER_DAY as u32;
    let mut buf = *b"00:00";
    put_digits(&mut buf[..2], minutes / 60);
    put_digits(&mut buf[3..], minutes % 60);
    out.write_str(std::str::from_utf8(&buf).map_err(|_| fmt::Error)?)
}

/// A time of day (minutes since midnight) as `HH:MM`.
pub fn format_time(minutes: u32) -> String {
    let mut s = String::with_capacity(5);
    let _ = write_time(&mut s, minutes);
    s
}

/// Parse `YYYY-MM-DDTHH:MM` (or with a space instead of `T`, and optionally
/// `:00` seconds) into minutes since 1970-01-01T00:00.
pub fn parse_datetime(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 16 || !matches!(b[10], b'T' | b' ') {
        return None;
    }
    let day = parse_date(s.get(..10)?)?;
    let time = parse_time(s.get(11..)?)?;
    Some(day as i64 * MINUTES_PER_DAY + time as i64)
}

/// The day and the time of day of a date-time.
pub fn split_datetime(dt: i64) -> (Day, u32) {
    let day = dt.div_euclid(MINUTES_PER_DAY);
    let day = day.clamp(Day::MIN as i64, Day::MAX as i64) as Day;
    (day, dt.rem_euclid(MINUTES_PER_DAY) as u32)
}

/// A date-time from a day and minutes since midnight.
pub fn make_datetime(day: Day, minutes: u32) -> i64 {
    day as i64 * MINUTES_PER_DAY + minutes as i64
}

/// Write a date-time as `YYYY-MM-DDTHH:MM` without allocating.
pub fn write_datetime<W: fmt::Write + ?Sized>(out: &mut W, dt: i64) -> fmt::Result {
    let (day, minutes) = split_datetime(dt);
    write_date(out, day)?;
    out.write_char('T')?;
    write_time(out, minutes)
}

/// A date-time (minutes since 1970-01-01T00:00) as `YYYY-MM-DDTHH:MM`.
pub fn format_datetime(dt: i64) -> String {
    let mut s = String::with_capacity(16);
    let _ = write_datetime(&mut s, dt);
    s
}

/// Parse exactly `YYYY-MM` into months since year 0.
pub fn parse_year_month(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    if b.len() != 7 || b[4] != b'-' {
        return None;
    }
    let (y, m) = (digits(&b[..4])?, digits(&b[5..])?);
    (1..=12).contains(&m).then_some(y as i32 * 12 + m as i32 - 1)
}

/// Year and month (1..=12) of a year-month.
pub fn year_month_parts(ym: i32) -> (i32, u32) {
    (ym.div_euclid(12), ym.rem_euclid(12) as u32 + 1)
}

/// Write a year-month as `YYYY-MM` without allocating (years outside
/// 0..=9999 with a sign).
pub fn write_year_month<W: fmt::Write + ?Sized>(out: &mut W, ym: i32) -> fmt::Result {
    let (y, m) = year_month_parts(ym);
    if (0..=9999).contains(&y) {
        write!(out, "{y:04}-{m:02}")
    } else {
        write!(out, "{y:+05}-{m:02}")
    }
}

/// A year-month as `YYYY-MM`.
pub fn format_year_month(ym: i32) -> String {
    let mut s = String::with_capacity(7);
    let _ = write_year_month(&mut s, ym);
    s
}

/// The year-month a day is in.
pub fn year_month_of(day: Day) -> i32 {
    let (y, m, _) = to_ymd(day);
    y * 12 + m as i32 - 1
}

/// Clamp an `i64` day number into the [`Day`] range.
fn saturate(day: i64) -> Day {
    day.clamp(Day::MIN as i64, Day::MAX as i64) as Day
}

/// The first day of a year-month (saturating at the ends of the `Day` range).
pub fn first_day(ym: i32) -> Day {
    let (y, m) = year_month_parts(ym);
    saturate(days_from_civil(y as i64, m, 1))
}

/// The last day of a year-month (saturating at the ends of the `Day` range).
pub fn last_day(ym: i32) -> Day {
    let (y, m) = year_month_parts(ym);
    saturate(days_from_civil(y as i64, m, days_in_month(y, m)))
}

#[cfg(test)]
#[path = "dates_tests.rs"]
mod tests;
