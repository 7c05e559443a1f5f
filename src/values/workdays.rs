//! Workday arithmetic over a precomputed table.
//!
//! A [`WorkdayTable`] covers an inclusive range of days and knows which of them
//! are workdays (not a weekend day, not a holiday). It stores prefix counts
//! (workdays up to each day) and the inverse (the k-th workday), so that every
//! operation is a lookup. Per-case closures (extra non-workdays, a short sorted
//! slice) are handled by counting them with binary search and extending the
//! answer until it is stable, never by walking day by day.

use std::fmt;

use super::dates::{Day, format_date, weekday};

/// An answer (or an argument) outside the table's range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfRange {
    /// The offending date: the argument when it is outside the table;
    /// otherwise the answer as the weekend rule alone would place it beyond
    /// the table (holidays there are unknown).
    pub date: Day,
    /// First day of the table.
    pub first: Day,
    /// Last day of the table.
    pub last: Day,
}

impl fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "date {} is outside the workday calendar ({} to {})",
            format_date(self.date),
            format_date(self.first),
            format_date(self.last)
        )
    }
}

impl std::error::Error for OutOfRange {}

/// Sort and deduplicate a list of closures, as the operations require.
pub fn normalize_closures(closures: &mut Vec<Day>) {
    closures.sort_unstable();
    closures.dedup();
}

/// Which days of `[first, last]` are workdays, as prefix counts and inverse.
#[derive(Debug, Clone)]
pub struct WorkdayTable {
    first: Day,
    last: Day,
    weekend: [bool; 7],
    /// `prefix[i]` = number of workdays among the first `i` days of the table
    /// (`first .. first + i`); length = days + 1.
    prefix: Vec<u32>,
    /// `nth[k]` = offset from `first` of the k-th (0-based) workday.
    nth: Vec<u32>,
}

impl WorkdayTable {
    /// The workdays of `[first, last]`: days whose `weekend[weekday(d)]` is
    /// false and that are not in `holidays` (any order; days outside the range
    /// are ignored). An empty range (`last < first`) gives a table that
    /// rejects every date.
    pub fn new(first: Day, last: Day, weekend: [bool; 7], holidays: &[Day]) -> WorkdayTable {
        let len = if last >= first {
            (last as i64 - first as i64 + 1) as usize
        } else {
            0
        };
        let mut work = vec![false; len];
        for (i, w) in work.iter_mut().enumerate() {
            let day = first as i64 + i as i64;
            *w = !weekend[weekday(day as Day) as usize];
        }
        for &h in holidays {
            if (first..=last).contains(&h) {
                work[(h as i64 - first as i64) as usize] = false;
            }
        }
        let mut prefix = Vec::with_capacity(len + 1);
        let mut nth = Vec::new();
        let mut count = 0u32;
        prefix.push(0);
        for (i, &w) in work.iter().enumerate() {
            if w {
                nth.push(i as u32);
                count += 1;
            }
            prefix.push(count);
        }
        WorkdayTable {
            first,
            last,
            weekend,
            prefix,
            nth,
        }
    }

    /// First day of the table.
    pub fn first(&self) -> Day {
        self.first
    }

    /// Last day of the table.
    pub fn last(&self) -> Day {
        self.last
    }

    /// Number of workdays in the table (ignoring closures).
    pub fn workday_count(&self) -> usize {
        self.nth.len()
    }

    fn out(&self, date: Day) -> OutOfRange {
        OutOfRange {
            date,
            first: self.first,
            last: self.last,
        }
    }

    /// Offset of `d` in the table, or the error.
    fn index(&self, d: Day) -> Result<usize, OutOfRange> {
        if self.prefix.len() > 1 && (self.first..=self.last).contains(&d) {
            Ok((d as i64 - self.first as i64) as usize)
        } else {
            Err(self.out(d))
        }
    }

    /// Whether the day at offset `i` (in range) is a table workday.
    fn table_workday(&self, i: usize) -> bool {
        self.prefix[i + 1] > self.prefix[i]
    }

    /// Whether `d` (in range) is a table workday; false outside.
    fn table_workday_day(&self, d: Day) -> bool {
        self.index(d).is_ok_and(|i| self.table_workday(i))
    }

    /// The day of the k-th (0-based) table workday.
    fn nth_day(&self, k: usize) -> Day {
        (self.first as i64 + self.nth[k] as i64) as Day
    }

    /// Closures in `[lo, hi]` that are table workdays.
    fn closed_workdays(&self, lo: Day, hi: Day, closures: &[Day]) -> i64 {
        let start = closures.partition_point(|&c| c < lo);
        let end = closures.partition_point(|&c| c <= hi);
        closures
            .get(start..end)
            .map_or(0, |cs| cs.iter().filter(|&&c| self.table_workday_day(c)).count() as i64)
    }

    /// Whether `d` is a workday: a table workday not among `closures`.
    pub fn is_workday(&self, d: Day, closures: &[Day]) -> Result<bool, OutOfRange> {
        let i = self.index(d)?;
        Ok(self.table_workday(i) && closures.binary_search(&d).is_err())
    }

    /// For `n > 0` the n-th workday strictly after `d`; for `n < 0` the
    /// |n|-th workday strictly before `d`; `d` itself for `n == 0`. `d` need
    /// not be a workday.
    #[inline(always)]
    pub fn add_workdays(&self, d: Day, n: i64, closures: &[Day]) -> Result<Day, OutOfRange> {
        if n > 0
            && closures.is_empty()
            && let Ok(i) = self.index(d)
            && let Some(&before) = self.prefix.get(i + 1)
        {
            // No closures: the (n)-th table workday after d, by the table alone
            // (what `forward` finds in its first round), where it is called.
            let k = (before as i64).saturating_add(n);
            if k <= self.nth.len() as i64 {
                return Ok(self.nth_day((k - 1) as usize));
            }
        }
        self.add_workdays_long(d, n, closures)
    }

    /// The table's parts [`WorkdayTable::add_workdays`]'s common case reads:
    /// its first day, `prefix` and `nth` (for code generated to repeat that
    /// case where it is, see `eval/native`).
    pub fn parts(&self) -> (Day, &[u32], &[u32]) {
        (self.first, &self.prefix, &self.nth)
    }

    /// [`WorkdayTable::add_workdays`] past its common case: closures, a count
    /// back or of none, or an answer outside the table.
    #[inline(never)]
    fn add_workdays_long(&self, d: Day, n: i64, closures: &[Day]) -> Result<Day, OutOfRange> {
        let i = self.index(d)?;
        match n.cmp(&0) {
            std::cmp::Ordering::Equal => Ok(d),
            std::cmp::Ordering::Greater => self.forward(d, i, n, closures),
            std::cmp::Ordering::Less => self.backward(d, i, n.unsigned_abs(), closures),
        }
    }

    fn forward(&self, d: Day, i: usize, n: i64, closures: &[Day]) -> Result<Day, OutOfRange> {
        let base = self.prefix[i + 1] as i64; // table workdays in [first, d]
        let total = self.nth.len() as i64;
        // Closures strictly after d, consumed in order as the answer grows.
        let mut j = closures.partition_point(|&c| c <= d);
        let mut closed = 0i64;
        loop {
            // The (n + closed)-th table workday after d.
            let k = base.saturating_add(n).saturating_add(closed);
            if k > total {
                let beyond = k - total;
                return Err(self.out(self.beyond_last(beyond)));
            }
            let cand = self.nth_day((k - 1) as usize);
            let before = closed;
            while let Some(&c) = closures.get(j) {
                if c > cand {
                    break;
                }
                if self.table_workday_day(c) {
                    closed += 1;
                }
                j += 1;
            }
            if closed == before {
                return Ok(cand);
            }
        }
    }

    fn backward(&self, d: Day, i: usize, n: u64, closures: &[Day]) -> Result<Day, OutOfRange> {
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        let base = self.prefix[i] as i64; // table workdays in [first, d)
        // Closures strictly before d, consumed from the end.
        let mut j = closures.partition_point(|&c| c < d);
        let mut closed = 0i64;
        loop {
            let m = n.saturating_add(closed);
            if m > base {
                return Err(self.out(self.before_first(m - base)));
            }
            let cand = self.nth_day((base - m) as usize);
            let before = closed;
            while j > 0 {
                let c = closures[j - 1];
                if c < cand {
                    break;
                }
                if self.table_workday_day(c) {
                    closed += 1;
                }
                j -= 1;
            }
            if closed == before {
                return Ok(cand);
            }
        }
    }

    /// `d` if it is a workday, else the first workday after it.
    pub fn next_workday(&self, d: Day, closures: &[Day]) -> Result<Day, OutOfRange> {
        if self.is_workday(d, closures)? {
            Ok(d)
        } else {
            self.add_workdays(d, 1, closures)
        }
    }

    /// Number of workdays in `(a, b]`; the negative of the count in `(b, a]`
    /// when `b < a`.
    pub fn workdays_between(&self, a: Day, b: Day, closures: &[Day]) -> Result<i64, OutOfRange> {
        let ia = self.index(a)?;
        let ib = self.index(b)?;
        let (lo, hi, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
        let (ilo, ihi) = if a <= b { (ia, ib) } else { (ib, ia) };
        let table = self.prefix[ihi + 1] as i64 - self.prefix[ilo + 1] as i64;
        let closed = if lo < hi {
            self.closed_workdays(lo + 1, hi, closures)
        } else {
            0
        };
        Ok(sign * (table - closed))
    }

    /// Where the `k`-th workday after the table's last day would fall by the
    /// weekend rule alone (for error messages).
    fn beyond_last(&self, k: i64) -> Day {
        self.extrapolate(self.last, k, 1)
    }

    /// Where the `k`-th workday before the table's first day would fall by
    /// the weekend rule alone (for error messages).
    fn before_first(&self, k: i64) -> Day {
        self.extrapolate(self.first, k, -1)
    }

    fn extrapolate(&self, from: Day, k: i64, step: i64) -> Day {
        let per_week = self.weekend.iter().filter(|&&w| !w).count() as i64;
        let from = from as i64;
        if per_week == 0 || k <= 0 {
            return clamp_day(from + step);
        }
        // Whole weeks first, then at most a week of single days.
        let weeks = (k - 1) / per_week;
        let mut left = k - weeks * per_week;
        let mut day = from.saturating_add(step * weeks.saturating_mul(7));
        if day < Day::MIN as i64 || day > Day::MAX as i64 {
            return clamp_day(day);
        }
        while left > 0 {
            day = day.saturating_add(step);
            let wd = (day + 3).rem_euclid(7) as usize;
            if !self.weekend[wd] {
                left -= 1;
            }
        }
        clamp_day(day)
    }
}

fn clamp_day(day: i64) -> Day {
    day.clamp(Day::MIN as i64, Day::MAX as i64) as Day
}

#[cfg(test)]
#[path = "workdays_tests.rs"]
mod tests;
