//! One sort for the whole crate.
//!
//! The standard library's sorts are generic over the element type and the comparator, so
//! every `sort_by_key` on a new type, or with a new closure, compiles the whole algorithm
//! again: about 2 KB of wasm each. The browser app carried sixteen copies. These functions
//! sort the positions `0..len` through one non-generic comparator instead, so there is a
//! single copy of the algorithm, and then move the elements into place with swaps.
//!
//! They are stable, like `slice::sort_by`: equal elements keep their order. That is also
//! what callers of `sort_unstable` get, which only ever promised less.

use std::cmp::Ordering;

/// Sorts `v` by `cmp`, stably.
pub fn sort_by<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    let order = positions(v.len(), &|a, b| cmp(&v[a], &v[b]));
    apply(v, order);
}

/// Sorts `v` by the key `key` computes, stably.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` in its natural order, stably.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The positions `0..len`, sorted by `cmp`: the only instantiation of the standard sort.
fn positions(len: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// Rearranges `v` so that `v[k]` becomes the old `v[order[k]]`, following each cycle of the
/// permutation with swaps (no `Clone`, no extra copy of the elements).
fn apply<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = order[at];
            // Done here: either this place was settled by an earlier cycle, or it is the
            // end of this one, whose last element the swaps already brought to it.
            order[at] = at;
            if from == start || from == at {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sorts_and_keeps_equal_elements_in_order() {
        let mut v = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        sort_by_key(&mut v, |p| p.0);
        assert_eq!(v, [(1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]);
    }

    #[test]
    fn empty_and_single() {
        let mut empty: Vec<u8> = Vec::new();
        sort(&mut empty);
        assert!(empty.is_empty());
        let mut one = vec!["x".to_owned()];
        sort(&mut one);
        assert_eq!(one, ["x"]);
    }

    proptest! {
        /// The same result as the standard library's stable sort, on elements whose keys
        /// repeat often, so stability is exercised.
        #[test]
        fn matches_the_standard_stable_sort(v in prop::collection::vec((0u8..6, any::<u16>()), 0..200)) {
            let mut ours = v.clone();
            sort_by_key(&mut ours, |p| p.0);
            let mut std = v;
            std.sort_by_key(|p| p.0);
            prop_assert_eq!(ours, std);
        }

        #[test]
        fn natural_order_matches(v in prop::collection::vec(any::<i32>(), 0..200)) {
            let mut ours = v.clone();
            sort(&mut ours);
            let mut std = v;
            std.sort();
            prop_assert_eq!(ours, std);
        }
    }
}
