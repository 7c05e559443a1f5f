//! A line diff (longest common subsequence) for showing an item's old and new text.

/// One line of a diff: ` ` kept, `-` removed, `+` added.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Line {
    pub tag: char,
    pub text: String,
}

/// Lines of context kept around each change.
const CONTEXT: usize = 2;

/// The lines of `old` and `new` with removals and additions marked; unchanged
/// runs far from a change are left out (a `…` line stands for them).
pub fn line_diff(old: &str, new: &str) -> Vec<Line> {
    let a: Vec<&str> = if old.is_empty() {
        Vec::new()
    } else {
        old.lines().collect()
    };
    let b: Vec<&str> = if new.is_empty() {
        Vec::new()
    } else {
        new.lines().collect()
    };
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut all = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            all.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] > lcs[i + 1][j]) {
            all.push(('+', b[j]));
            j += 1;
        } else {
            all.push(('-', a[i]));
            i += 1;
        }
    }
    let near = |k: usize| {
        let lo = k.saturating_sub(CONTEXT);
        let hi = (k + CONTEXT + 1).min(all.len());
        all[lo..hi].iter().any(|(t, _)| *t != ' ')
    };
    let mut out = Vec::new();
    let mut skipped = false;
    for (k, (tag, text)) in all.iter().enumerate() {
        if *tag == ' ' && !near(k) {
            if !skipped {
                out.push(Line {
                    tag: ' ',
                    text: "…".into(),
                });
            }
            skipped = true;
            continue;
        }
        skipped = false;
        out.push(Line {
            tag: *tag,
            text: text.to_string(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(d: &[Line]) -> String {
        d.iter().map(|l| format!("{}{}\n", l.tag, l.text)).collect()
    }

    #[test]
    fn marks_changed_lines_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\n";
        let new = "a\nb\nc\nD\ne\nf\ng\n";
        assert_eq!(show(&line_diff(old, new)), " …\n b\n c\n-d\n+D\n e\n f\n …\n");
    }

    #[test]
    fn added_and_removed_items() {
        assert_eq!(show(&line_diff("", "x\ny")), "+x\n+y\n");
        assert_eq!(show(&line_diff("x", "")), "-x\n");
    }
}
