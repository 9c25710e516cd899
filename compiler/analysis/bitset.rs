//! A fixed-size set of dense indices (value or block numbers), stored as
//! 64-bit words. Dataflow states are sets of `ValueId`s; a bitset keeps
//! them compact, makes union/intersection cheap, and iterates in ascending
//! index order, so every pass that walks a state is deterministic.

use crate::ir::ValueId;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BitSet {
    len: usize,
    words: Vec<u64>,
}

impl BitSet {
    /// The empty set over the domain `0..len`.
    pub fn new(len: usize) -> BitSet {
        BitSet {
            len,
            words: vec![0; len.div_ceil(64)],
        }
    }

    /// The full set `0..len`.
    pub fn full(len: usize) -> BitSet {
        let mut s = BitSet {
            len,
            words: vec![u64::MAX; len.div_ceil(64)],
        };
        s.clear_excess();
        s
    }

    /// Size of the domain (not the number of members).
    pub fn domain_size(&self) -> usize {
        self.len
    }

    fn clear_excess(&mut self) {
        let rem = self.len % 64;
        if rem != 0 {
            if let Some(last) = self.words.last_mut() {
                *last &= (1u64 << rem) - 1;
            }
        }
    }

    pub fn contains(&self, i: usize) -> bool {
        i < self.len && self.words[i / 64] & (1u64 << (i % 64)) != 0
    }

    /// Insert `i`; returns whether it was absent. Indices outside the domain
    /// are ignored.
    pub fn insert(&mut self, i: usize) -> bool {
        if i >= self.len {
            return false;
        }
        let w = &mut self.words[i / 64];
        let bit = 1u64 << (i % 64);
        let was_absent = *w & bit == 0;
        *w |= bit;
        was_absent
    }

    /// Remove `i`; returns whether it was present.
    pub fn remove(&mut self, i: usize) -> bool {
        if i >= self.len {
            return false;
        }
        let w = &mut self.words[i / 64];
        let bit = 1u64 << (i % 64);
        let was_present = *w & bit != 0;
        *w &= !bit;
        was_present
    }

    pub fn contains_value(&self, v: ValueId) -> bool {
        self.contains(v.index())
    }

    pub fn insert_value(&mut self, v: ValueId) -> bool {
        self.insert(v.index())
    }

    pub fn remove_value(&mut self, v: ValueId) -> bool {
        self.remove(v.index())
    }

    /// `self |= other`; returns whether `self` changed.
    pub fn union_with(&mut self, other: &BitSet) -> bool {
        let mut changed = false;
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            let new = *a | *b;
            changed |= new != *a;
            *a = new;
        }
        changed
    }

    /// `self &= other`; returns whether `self` changed.
    pub fn intersect_with(&mut self, other: &BitSet) -> bool {
        let mut changed = false;
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            let new = *a & *b;
            changed |= new != *a;
            *a = new;
        }
        changed
    }

    /// `self -= other`; returns whether `self` changed.
    pub fn subtract(&mut self, other: &BitSet) -> bool {
        let mut changed = false;
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            let new = *a & !*b;
            changed |= new != *a;
            *a = new;
        }
        changed
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Members in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, &w)| {
            let mut word = w;
            std::iter::from_fn(move || {
                if word == 0 {
                    return None;
                }
                let bit = word.trailing_zeros() as usize;
                word &= word - 1;
                Some(wi * 64 + bit)
            })
        })
    }

    /// Members as values, in ascending order.
    pub fn values(&self) -> impl Iterator<Item = ValueId> + '_ {
        self.iter().map(|i| ValueId(i as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_remove_iterate() {
        let mut s = BitSet::new(130);
        assert!(s.insert(3));
        assert!(!s.insert(3));
        assert!(s.insert(129));
        assert!(s.insert(64));
        assert!(!s.insert(500));
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![3, 64, 129]);
        assert!(s.remove(64));
        assert!(!s.remove(64));
        assert_eq!(s.count(), 2);
    }

    #[test]
    fn set_operations_report_changes() {
        let full = BitSet::full(70);
        assert_eq!(full.count(), 70);
        let mut a = BitSet::new(70);
        a.insert(1);
        a.insert(69);
        let mut b = BitSet::new(70);
        b.insert(69);
        assert!(!b.clone().union_with(&b));
        let mut c = a.clone();
        assert!(c.intersect_with(&b));
        assert_eq!(c, b);
        let mut d = a.clone();
        assert!(d.subtract(&b));
        assert_eq!(d.iter().collect::<Vec<_>>(), vec![1]);
        assert!(!d.clone().subtract(&b));
    }
}
