//! Which facts the records given one after another gave (see [`Case::give`]).
//!
//! [`Case::give`]: super::Case::give

/// The facts given for the record being filled and for the one before, one
/// bit a fact: giving a fact sets its bit, and ending a record finds the facts
/// the record before gave and this one did not a word (64 facts) at a time.
#[derive(Debug, Clone, Default)]
pub(super) struct Given {
    now: Vec<u64>,
    before: Vec<u64>,
}

impl Given {
    /// No fact given, of `facts` facts.
    pub fn new(facts: usize) -> Given {
        let words = facts.div_ceil(64);
        Given {
            now: vec![0; words],
            before: vec![0; words],
        }
    }

    /// Fact `i` is given for the record being filled.
    #[inline]
    pub fn give(&mut self, i: usize) {
        self.now[i / 64] |= 1 << (i % 64);
    }

    /// Whether fact `i` is given for the record being filled.
    pub fn has(&self, i: usize) -> bool {
        self.now[i / 64] >> (i % 64) & 1 == 1
    }

    /// The facts given for the record being filled, in the order of their ids.
    pub fn now(&self) -> impl Iterator<Item = usize> + '_ {
        ones(&self.now)
    }

    /// Ends the filling of a record: the facts the record before gave and this
    /// one did not, in the order of their ids; the next record starts with none.
    pub fn next(&mut self, mut gone: impl FnMut(usize)) {
        for (w, (before, now)) in self.before.iter_mut().zip(&mut self.now).enumerate() {
            let mut left = *before & !*now;
            while left != 0 {
                gone(w * 64 + left.trailing_zeros() as usize);
                left &= left - 1;
            }
            *before = std::mem::take(now);
        }
    }

    /// Forgets every record given.
    pub fn clear(&mut self) {
        self.now.iter_mut().chain(&mut self.before).for_each(|w| *w = 0);
    }
}

/// The positions of the bits set in `words`, in order.
fn ones(words: &[u64]) -> impl Iterator<Item = usize> + '_ {
    words.iter().enumerate().flat_map(|(w, &word)| {
        let mut left = word;
        std::iter::from_fn(move || {
            (left != 0).then(|| {
                let bit = left.trailing_zeros() as usize;
                left &= left - 1;
                w * 64 + bit
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Across word boundaries: what the record before gave and this one did
    /// not is gone, what both gave is not, and the next record starts empty.
    #[test]
    fn the_facts_a_record_stopped_giving_are_found() {
        let mut g = Given::new(130);
        for i in [0, 63, 64, 129, 5] {
            g.give(i);
        }
        assert_eq!(g.now().collect::<Vec<_>>(), [0, 5, 63, 64, 129]);
        let mut gone = Vec::new();
        g.next(|i| gone.push(i));
        assert!(gone.is_empty(), "the first record replaced nothing: {gone:?}");
        assert_eq!(g.now().count(), 0);
        for i in [5, 64, 100] {
            g.give(i);
        }
        assert!(g.has(64) && g.has(100) && !g.has(0));
        g.next(|i| gone.push(i));
        assert_eq!(gone, [0, 63, 129]);
        gone.clear();
        g.next(|i| gone.push(i));
        assert_eq!(gone, [5, 64, 100]);
        g.give(7);
        g.clear();
        g.next(|i| gone.push(i));
        assert_eq!(gone, [5, 64, 100], "nothing more after a clear");
    }
}
