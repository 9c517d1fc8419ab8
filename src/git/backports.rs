//! Backports: a change that reached production first through a copy of it (a cherry-pick onto
//! a release branch) has its lead time end at that copy's deployment.
//!
//! The input is first-deployment attribution (each node's rank, [`UNDEPLOYED`] when no
//! deployment reaches it) and a list of (carrier, original) node pairs from any source: the
//! `(cherry picked from commit <sha>)` trailers ([`trailer_pairs`]) or patch ids. Pure
//! functions over integers; the rules are in docs/definitions.md ("Backports").
//!
//! - An *original* is a commit that some carrier copies and that copies nothing itself (within
//!   the pairs given): the change.
//! - A *copy* is every carrier reached from an original through the pairs (a cherry-pick, a
//!   cherry-pick of that cherry-pick, ...). A copy is not a change of its own: its change is
//!   the original's.
//! - The original's effective rank is the lowest of its own and its copies' ranks; when a copy
//!   is strictly earlier, the original was *shipped via* that copy (the earliest; ties broken
//!   by the caller's key, the commit id).
//!
//! Carriers that no original reaches (their original is outside the loaded history, or the
//! pairs form a cycle) are ordinary changes.

use std::collections::{HashMap, HashSet};

use super::attribute::UNDEPLOYED;
use super::graph::CommitGraph;

/// What the pairs change in the attribution.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Backports {
    /// Original node → (the copy that shipped it first, that copy's rank), only where the copy
    /// was deployed strictly earlier than the original (or the original never was).
    via: HashMap<u32, (u32, u32)>,
    /// Carriers of a loaded original: copies, not changes of their own.
    copies: HashSet<u32>,
}

impl Backports {
    /// The rank of the deployment that first shipped `node`'s change: the copy's for an
    /// original shipped via a copy, `first[node]` otherwise.
    pub fn rank(&self, first: &[u32], node: u32) -> u32 {
        self.via
            .get(&node)
            .map_or(first[node as usize], |&(_, rank)| rank)
    }

    /// The copy that shipped `node` first, if one did before `node` itself.
    pub fn shipped_via(&self, node: u32) -> Option<u32> {
        self.via.get(&node).map(|&(carrier, _)| carrier)
    }

    /// Whether `node` is a copy of another loaded commit (and so not a change of its own).
    pub fn is_copy(&self, node: u32) -> bool {
        self.copies.contains(&node)
    }

    /// The effective rank of every node ([`Backports::rank`] for all of `first`).
    pub fn ranks(&self, first: &[u32]) -> Vec<u32> {
        let mut out = first.to_vec();
        for (&node, &(_, rank)) in &self.via {
            out[node as usize] = rank;
        }
        out
    }
}

/// Applies (carrier, original) pairs to first-deployment ranks. Pairs whose nodes are out of
/// range, or that pair a node with itself, are ignored; repeated pairs count once. `key`
/// breaks ties between copies shipped by the same deployment (the lowest key wins), so that
/// the answer does not depend on node numbering.
///
/// Cost: O(pairs) to index them, then one walk per original over the copies it reaches.
pub fn attribute<K: Ord>(first: &[u32], pairs: &[(u32, u32)], key: impl Fn(u32) -> K) -> Backports {
    let n = first.len() as u32;
    let mut carriers_of: HashMap<u32, Vec<u32>> = HashMap::new();
    let mut carriers: HashSet<u32> = HashSet::new();
    for &(carrier, original) in pairs {
        if carrier == original || carrier >= n || original >= n {
            continue;
        }
        let list = carriers_of.entry(original).or_default();
        if !list.contains(&carrier) {
            list.push(carrier);
        }
        carriers.insert(carrier);
    }
    let mut originals: Vec<u32> = carriers_of
        .keys()
        .copied()
        .filter(|o| !carriers.contains(o))
        .collect();
    originals.sort_unstable();

    let mut out = Backports::default();
    let mut seen: HashSet<u32> = HashSet::new();
    let mut stack: Vec<u32> = Vec::new();
    for original in originals {
        seen.clear();
        seen.insert(original);
        stack.clear();
        stack.push(original);
        let mut best: Option<(u32, K, u32)> = None;
        while let Some(at) = stack.pop() {
            for &carrier in carriers_of.get(&at).map_or(&[][..], Vec::as_slice) {
                if !seen.insert(carrier) {
                    continue;
                }
                stack.push(carrier);
                out.copies.insert(carrier);
                let rank = first[carrier as usize];
                if rank == UNDEPLOYED {
                    continue;
                }
                let k = key(carrier);
                if best.as_ref().is_none_or(|(r, bk, _)| (rank, &k) < (*r, bk)) {
                    best = Some((rank, k, carrier));
                }
            }
        }
        if let Some((rank, _, carrier)) = best
            && rank < first[original as usize]
        {
            out.via.insert(original, (carrier, rank));
        }
    }
    out
}

/// The (carrier, original) node pairs of the `-x` trailers whose original is a loaded commit
/// (not a missing parent); trailers naming commits outside the loaded history give none.
pub fn trailer_pairs(graph: &CommitGraph) -> Vec<(u32, u32)> {
    graph
        .cherry_picks
        .iter()
        .filter_map(|&(carrier, original)| {
            let node = graph.node(&original)?;
            (!graph.missing[node as usize]).then_some((carrier, node))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const U: u32 = UNDEPLOYED;

    fn run(first: &[u32], pairs: &[(u32, u32)]) -> Backports {
        attribute(first, pairs, |n| n)
    }

    #[test]
    fn no_pairs_change_nothing() {
        let first = [0, 1, U];
        let b = run(&first, &[]);
        assert_eq!(b.ranks(&first), first);
        assert!((0..3).all(|n| b.shipped_via(n).is_none() && !b.is_copy(n)));
    }

    #[test]
    fn a_copy_deployed_first_ships_the_original() {
        // Node 0 on main, shipped by rank 2; node 1 copies it onto a release branch, rank 1.
        let first = [2, 1, 2];
        let b = run(&first, &[(1, 0)]);
        assert_eq!(b.rank(&first, 0), 1);
        assert_eq!(b.shipped_via(0), Some(1));
        assert!(b.is_copy(1) && !b.is_copy(0) && !b.is_copy(2));
        // The copy keeps its own rank; other nodes are untouched.
        assert_eq!(b.ranks(&first), [1, 1, 2]);
    }

    #[test]
    fn an_undeployed_original_ships_with_its_copy() {
        let first = [U, 0];
        let b = run(&first, &[(1, 0)]);
        assert_eq!(b.ranks(&first), [0, 0]);
        assert_eq!(b.shipped_via(0), Some(1));
    }

    #[test]
    fn a_copy_deployed_later_or_together_changes_nothing_but_is_still_a_copy() {
        for first in [[1, 3], [1, 1], [1, U], [U, U]] {
            let b = run(&first, &[(1, 0)]);
            assert_eq!(b.ranks(&first), first, "{first:?}");
            assert_eq!(b.shipped_via(0), None);
            assert!(b.is_copy(1));
        }
    }

    #[test]
    fn a_cherry_pick_of_a_cherry_pick() {
        // 0 original (rank 4); 1 picks 0 (rank 3); 2 picks 1 and names both (rank 1).
        let first = [4, 3, 1];
        let both = run(&first, &[(1, 0), (2, 0), (2, 1)]);
        assert_eq!(both.ranks(&first), [1, 3, 1]);
        assert_eq!(both.shipped_via(0), Some(2));
        assert!(both.is_copy(1) && both.is_copy(2));
        assert_eq!(
            both.shipped_via(1),
            None,
            "a copy is never shipped via another copy"
        );
        // The same from the chain alone (a source that pairs each commit with its parent copy).
        assert_eq!(run(&first, &[(2, 1), (1, 0)]), both);
    }

    #[test]
    fn earliest_copy_wins_and_ties_go_to_the_lowest_key() {
        let first = [5, 3, 2, 2];
        let b = attribute(&first, &[(1, 0), (2, 0), (3, 0)], std::cmp::Reverse);
        // Copies 2 and 3 share rank 2; the key prefers 3.
        assert_eq!(b.shipped_via(0), Some(3));
        assert_eq!(b.rank(&first, 0), 2);
        assert_eq!(run(&first, &[(1, 0), (3, 0), (2, 0)]).shipped_via(0), Some(2));
    }

    #[test]
    fn one_copy_of_two_originals() {
        // A squash of two cherry-picks names both originals.
        let first = [3, U, 1];
        let b = run(&first, &[(2, 0), (2, 1)]);
        assert_eq!(b.ranks(&first), [1, 1, 1]);
        assert_eq!((b.shipped_via(0), b.shipped_via(1)), (Some(2), Some(2)));
    }

    #[test]
    fn self_pairs_cycles_and_bad_nodes_are_ignored() {
        let first = [2, 1, 0];
        let b = run(&first, &[(0, 0), (7, 0), (0, 9)]);
        assert_eq!(b, Backports::default());
        // A cycle has no original: both stay changes of their own.
        let b = run(&first, &[(0, 1), (1, 0)]);
        assert_eq!(b, Backports::default());
        // Repeated pairs count once.
        assert_eq!(run(&first, &[(1, 0), (1, 0)]), run(&first, &[(1, 0)]));
    }
}
