//! Which names look like a misspelled one, for mypy's `maybe "x"?`
//! suggestions: the similarity ratio of Python's `difflib.SequenceMatcher`
//! (matching characters found by longest common blocks, recursively on
//! either side), with mypy's thresholds.

/// Up to `n` of `options` most similar to `current` (ratio above 0.75),
/// best first, ties in name order.
pub fn best_matches(current: &str, options: &[String], n: usize) -> Vec<String> {
    if current.is_empty() {
        return vec![];
    }
    let a: Vec<char> = current.chars().collect();
    let mut candidates: Vec<(&String, Vec<char>)> = options
        .iter()
        .filter(|o| o.as_str() != current)
        .map(|o| (o, o.chars().collect::<Vec<char>>()))
        .filter(|(_, b)| quick_ratio_bound(a.len(), b.len()) > 0.75)
        .collect();
    if candidates.len() >= 50 {
        candidates.retain(|(_, b)| a.len().abs_diff(b.len()) <= 1);
    }
    let mut scored: Vec<(f64, &String)> = candidates
        .iter()
        .map(|(o, b)| (ratio(&a, b), *o))
        .filter(|(r, _)| *r > 0.75)
        .collect();
    scored.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| x.1.cmp(y.1)));
    scored.dedup_by(|x, y| x.1 == y.1);
    scored.into_iter().take(n).map(|(_, o)| o.clone()).collect()
}

/// The upper bound on the ratio from the lengths alone.
fn quick_ratio_bound(la: usize, lb: usize) -> f64 {
    2.0 * la.min(lb) as f64 / (la + lb) as f64
}

/// `difflib.SequenceMatcher(a=a, b=b).ratio()` (no junk heuristics: they
/// only apply to sequences of 200 or more items).
fn ratio(a: &[char], b: &[char]) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    2.0 * matching(a, b) as f64 / total as f64
}

/// The number of characters in matching blocks: the longest common block
/// (earliest in `a`, then in `b`, among equals), then recursively the
/// parts on its left and right.
fn matching(a: &[char], b: &[char]) -> usize {
    let (mut best_i, mut best_j, mut best) = (0, 0, 0);
    for i in 0..a.len() {
        for j in 0..b.len() {
            let mut k = 0;
            while i + k < a.len() && j + k < b.len() && a[i + k] == b[j + k] {
                k += 1;
            }
            if k > best {
                (best_i, best_j, best) = (i, j, k);
            }
        }
    }
    if best == 0 {
        return 0;
    }
    best + matching(&a[..best_i], &b[..best_j]) + matching(&a[best_i + best..], &b[best_j + best..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn suggests_like_mypy() {
        let opts = names(&["List", "Optional", "Dict", "Any"]);
        assert_eq!(best_matches("Lisst", &opts, 3), names(&["List"]));
        assert_eq!(best_matches("Optinal", &opts, 3), names(&["Optional"]));
        assert!(best_matches("zzz", &opts, 3).is_empty());
        let attrs = names(&["value", "values"]);
        assert_eq!(
            best_matches("valuess", &attrs, 3),
            names(&["values", "value"])
        );
    }
}
