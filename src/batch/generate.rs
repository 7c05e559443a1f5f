//! Deterministic grievance records for benchmarks and load tests: the same
//! seed gives the same records, byte for byte, on every machine.
//!
//! Each record is a Judge's (or the AALJ's, or the Employer's) grievance that
//! has reached Step Three, with realistic gaps between its events, methods of
//! delivery, subjects and oral presentations, so every query of the interface
//! spec's Article 10 answers.

use std::fmt::Write as _;

use crate::values::dates;

/// A small, fast, well-mixed PRNG (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i32, hi: i32) -> i32 {
        let span = (hi - lo + 1).max(1) as u64;
        lo + (self.next_u64() % span) as i32
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.next_u64() % 100 < u64::from(percent)
    }

    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next_u64() % xs.len() as u64) as usize]
    }
}

const SUBJECTS: &[&str] = &[
    "reprimand",
    "scheduling",
    "case_assignment",
    "telework",
    "travel",
    "training",
    "leave",
    "official_time",
    "reassignment",
    "performance",
    "classification",
    "retirement",
];

/// Appends record `n` (1-based) of the stream seeded with `seed`, without a newline.
pub fn grievance_record(out: &mut String, seed: u64, n: u64) {
    let mut r = Rng::new(seed ^ n.wrapping_mul(0xA24B_AED4_963E_E407));
    let base = dates::from_ymd(2015, 1, 1).unwrap_or(16436);
    let knew = base + r.range(0, 3650);
    let filed_by = match r.range(0, 99) {
        0..=79 => "judge",
        80..=91 => "aalj",
        _ => "employer",
    };
    let _ = write!(out, "{{\"id\":\"G-{n:07}\",");
    let mut events = Vec::new();
    let mut body = String::with_capacity(600);
    let _ = write!(body, "\"grievance\":{{\"filed_by\":\"{filed_by}\",\"knew_on\":");
    date(&mut body, knew);
    if r.chance(8) {
        body.push_str(",\"continuing\":true");
    }
    if r.chance(85) {
        let _ = write!(body, ",\"subject\":\"{}\"", r.pick(SUBJECTS));
    }
    if r.chance(30) {
        body.push_str(",\"aalj_designated\":true");
    }
    let mut prev = knew + r.range(3, 55);
    for step in 1..=3 {
        let _ = write!(body, ",\"step{step}\":{{");
        prev = write_step(&mut body, &mut r, step, prev, &mut events);
        body.push('}');
    }
    body.push('}');
    let last = events.iter().copied().max().unwrap_or(knew);
    out.push_str("\"as_of\":");
    date(out, last + r.range(0, 90));
    out.push(',');
    out.push_str(&body);
    out.push('}');
}

/// Writes one step's members; returns the day the next step's count starts from.
fn write_step(out: &mut String, r: &mut Rng, step: i32, start: i32, events: &mut Vec<i32>) -> i32 {
    let methods: &[&str] = if step == 1 {
        &[
            "in_person",
            "in_person",
            "in_person",
            "in_person",
            "mail",
            "mail",
            "commercial",
            "fax",
            "fax",
            "email",
        ]
    } else {
        &["in_person", "mail", "commercial", "fax", "email", "email"]
    };
    let method = r.pick(methods);
    let received = weekday_on_or_after(start);
    let _ = write!(out, "\"method\":\"{method}\"");
    if matches!(method, "mail" | "commercial") {
        out.push_str(",\"sent_on\":");
        date(out, received - r.range(1, 5));
    }
    if method == "email" && r.chance(10) {
        out.push_str(",\"mailbox_unavailable\":true");
    }
    out.push_str(",\"received_on\":");
    date(out, received);
    events.push(received);
    let mut from = received;
    if r.chance(55) {
        from = weekday_on_or_after(received + r.range(1, 8));
        out.push_str(",\"oral_on\":");
        date(out, from);
        events.push(from);
    }
    // Steps One and Two are answered (Step Three must have been reached);
    // Step Three often still awaits its answer.
    if step < 3 || r.chance(60) {
        let answered = weekday_on_or_after(from + r.range(7, 40));
        out.push_str(",\"answered_on\":");
        date(out, answered);
        events.push(answered);
        if r.chance(20) {
            let _ = write!(
                out,
                ",\"representative_travel\":{}.{:02}",
                r.range(150, 900),
                r.range(0, 99)
            );
        }
        return answered + r.range(5, 45);
    }
    from
}

/// The Monday after a weekend day; other days as they are (offices act on workdays).
fn weekday_on_or_after(d: i32) -> i32 {
    match dates::weekday(d) {
        5 => d + 2,
        6 => d + 1,
        _ => d,
    }
}

fn date(out: &mut String, d: i32) {
    out.push('"');
    let _ = dates::write_date(out, d);
    out.push('"');
}

/// Writes `count` records, one a line, to `out`.
pub fn write_grievances(out: &mut dyn std::io::Write, seed: u64, count: u64) -> std::io::Result<()> {
    let mut buf = String::with_capacity(64 * 1024);
    for n in 1..=count {
        grievance_record(&mut buf, seed, n);
        buf.push('\n');
        if buf.len() > 60 * 1024 {
            out.write_all(buf.as_bytes())?;
            buf.clear();
        }
    }
    out.write_all(buf.as_bytes())?;
    out.flush()
}
