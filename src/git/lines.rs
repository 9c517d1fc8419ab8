//! Rollbacks and maintenance releases (docs/definitions.md, "Release lines"): a deployment
//! whose commit an earlier deployment already reached ships nothing new; it is a rollback when
//! an earlier deployment of its own release line reaches that commit, and a maintenance
//! release of an older line otherwise.
//!
//! Only those deployments (candidates) are checked, most of them without a walk: a line that
//! shipped nothing before, or already shipped this very commit, decides at once. The rest
//! walk from the line's earlier commits towards their parents, never below the candidate's
//! generation (the longest path to a root), so a maintenance release tagged on top of its
//! line's previous release stops at the first step. A line whose walks grow past the size of
//! the graph gets one first-deployment pass of its own instead
//! ([`attribute::first_deployment`] over that line's deployments): per line, at most two
//! passes over the graph, whatever the number of candidates.

use std::collections::HashSet;

use super::attribute::{self, Dag};

/// What a deployment ships, by the commits deployed before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Redeploy {
    /// Its commit had not been reached by an earlier deployment.
    #[default]
    New,
    /// An earlier deployment of its line reaches its commit.
    Rollback,
    /// Its commit was shipped, but only by other lines: a maintenance release of its line.
    Maintenance,
}

/// Per rank: `placed[rank]` is the deployment's `(node, line)`, in deployment order; `first`
/// is [`attribute::first_deployment`] over them. `None` if the graph has a cycle.
pub fn redeploys(dag: &Dag, placed: &[(u32, u32)], first: &[u32]) -> Option<Vec<Redeploy>> {
    let mut out = vec![Redeploy::New; placed.len()];
    let n_lines = placed.iter().map(|&(_, l)| l as usize + 1).max().unwrap_or(0);
    // Ranks of each line, ascending.
    let mut by_line: Vec<Vec<u32>> = vec![Vec::new(); n_lines];
    // Candidates that need a walk, per line.
    let mut pending: Vec<Vec<u32>> = vec![Vec::new(); n_lines];
    let mut placed_on: HashSet<(u32, u32)> = HashSet::new();
    for (rank, &(node, line)) in placed.iter().enumerate() {
        let l = line as usize;
        if first[node as usize] < rank as u32 {
            out[rank] = if by_line[l].is_empty() {
                Redeploy::Maintenance
            } else if placed_on.contains(&(line, node)) {
                Redeploy::Rollback
            } else {
                pending[l].push(rank as u32);
                Redeploy::Maintenance
            };
        }
        by_line[l].push(rank as u32);
        placed_on.insert((line, node));
    }
    if pending.iter().all(Vec::is_empty) {
        return Some(out);
    }
    let generation = generations(dag)?;
    let budget = dag.len() + dag.edges();
    let mut seen = vec![u32::MAX; dag.len()];
    let mut stack = Vec::new();
    for (line, candidates) in pending.iter().enumerate() {
        let ranks = &by_line[line];
        let mut work = 0usize;
        for (k, &rank) in candidates.iter().enumerate() {
            if work > budget {
                // One pass for the rest of this line.
                let own: Vec<(u32, u32)> = ranks.iter().map(|&r| (placed[r as usize].0, r)).collect();
                let first_own = attribute::first_deployment(dag, &own)?;
                for &r in &candidates[k..] {
                    if first_own[placed[r as usize].0 as usize] < r {
                        out[r as usize] = Redeploy::Rollback;
                    }
                }
                break;
            }
            let target = placed[rank as usize].0;
            let floor = generation[target as usize];
            let earlier = &ranks[..ranks.partition_point(|&r| r < rank)];
            stack.clear();
            work += earlier.len();
            stack.extend(
                earlier
                    .iter()
                    .map(|&r| placed[r as usize].0)
                    .filter(|&n| generation[n as usize] > floor),
            );
            let mut found = false;
            while let Some(n) = stack.pop() {
                if std::mem::replace(&mut seen[n as usize], rank) == rank {
                    continue;
                }
                work += 1;
                for &p in dag.parents(n as usize) {
                    if p == target {
                        found = true;
                        break;
                    }
                    if generation[p as usize] > floor && seen[p as usize] != rank {
                        stack.push(p);
                    }
                }
                if found {
                    break;
                }
            }
            if found {
                out[rank as usize] = Redeploy::Rollback;
            }
        }
    }
    Some(out)
}

/// Per node, the length of the longest path to a root: a node reaches only nodes of a lower
/// generation.
fn generations(dag: &Dag) -> Option<Vec<u32>> {
    let order = dag.children_first_order()?;
    let mut generation = vec![0u32; dag.len()];
    for &n in order.iter().rev() {
        generation[n as usize] = dag
            .parents(n as usize)
            .iter()
            .map(|&p| generation[p as usize] + 1)
            .max()
            .unwrap_or(0);
    }
    Some(generation)
}

#[cfg(test)]
mod tests {
    use super::Redeploy::{Maintenance as M, New as N, Rollback as R};
    use super::*;
    use proptest::prelude::*;

    fn run(parents: &[Vec<u32>], placed: &[(u32, u32)]) -> Vec<Redeploy> {
        let dag = Dag::from_parents(parents);
        let deployed: Vec<(u32, u32)> = placed
            .iter()
            .enumerate()
            .map(|(r, &(n, _))| (n, r as u32))
            .collect();
        let first = attribute::first_deployment(&dag, &deployed).unwrap();
        redeploys(&dag, placed, &first).unwrap()
    }

    /// Two lines on one history: 0 ← 1 ← 2 (main, line 1 then line 2) and 1 ← 3 (the
    /// maintenance branch of line 1).
    #[test]
    fn maintenance_of_an_older_line_is_not_a_rollback() {
        let parents = vec![vec![], vec![0], vec![1], vec![1]];
        // 1.0 on 0, 1.1 on 1, 2.0 on 2, then 1.1.1 on 3 (new), 1.0.1 on 1 (shipped by 1.1 only:
        // maintenance), 1.1.2 on 1 (line 1.1 shipped it: rollback).
        let placed = [(0, 0), (1, 1), (2, 2), (3, 1), (1, 0), (1, 1)];
        assert_eq!(run(&parents, &placed), [N, N, N, N, M, R]);
    }

    #[test]
    fn a_single_line_redeploy_of_an_older_commit_is_a_rollback() {
        // v1.0.0 on 0, v1.1.0 on 1, then v1.1.1 on 0 (line 1.1's v1.1.0 reaches 0).
        let parents = vec![vec![], vec![0]];
        assert_eq!(run(&parents, &[(0, 0), (1, 1), (0, 1)]), [N, N, R]);
        // The same tags all on one line (depth 0 or unversioned): the old rule.
        assert_eq!(run(&parents, &[(0, 0), (1, 0), (0, 0)]), [N, N, R]);
    }

    #[test]
    fn two_tags_on_one_commit() {
        let parents = vec![vec![], vec![0]];
        // Same line: the later one is a rollback; another line: maintenance.
        assert_eq!(run(&parents, &[(1, 0), (1, 0)]), [N, R]);
        assert_eq!(run(&parents, &[(1, 0), (1, 1)]), [N, M]);
    }

    /// The slow way: a candidate is a rollback when a DFS from any earlier deployment of its
    /// line reaches its commit.
    fn brute_force(parents: &[Vec<u32>], placed: &[(u32, u32)]) -> Vec<Redeploy> {
        let reaches = |from: u32, to: u32| {
            let mut stack = vec![from];
            let mut seen = vec![false; parents.len()];
            while let Some(n) = stack.pop() {
                if n == to {
                    return true;
                }
                if !std::mem::replace(&mut seen[n as usize], true) {
                    stack.extend(&parents[n as usize]);
                }
            }
            false
        };
        (0..placed.len())
            .map(|r| {
                let (node, line) = placed[r];
                if !placed[..r].iter().any(|&(e, _)| reaches(e, node)) {
                    N
                } else if placed[..r].iter().any(|&(e, l)| l == line && reaches(e, node)) {
                    R
                } else {
                    M
                }
            })
            .collect()
    }

    fn dag_and_deployments() -> impl Strategy<Value = (Vec<Vec<u32>>, Vec<(u32, u32)>)> {
        (2usize..40).prop_flat_map(|n| {
            // Parents have higher indices: a DAG by construction.
            let parents = (0..n)
                .map(|i| {
                    let later = (n - i - 1) as u32;
                    proptest::collection::vec(0..later.max(1), if later == 0 { 0..1 } else { 0..3 }).prop_map(
                        move |ps| {
                            let mut ps: Vec<u32> = ps.into_iter().map(|p| i as u32 + 1 + p).collect();
                            ps.sort_unstable();
                            ps.dedup();
                            ps
                        },
                    )
                })
                .collect::<Vec<_>>();
            let placed = proptest::collection::vec((0..n as u32, 0u32..3), 1..25);
            (parents, placed)
        })
    }

    proptest! {
        #[test]
        fn agrees_with_brute_force((parents, placed) in dag_and_deployments()) {
            prop_assert_eq!(run(&parents, &placed), brute_force(&parents, &placed));
        }
    }

    #[test]
    fn the_per_line_pass_agrees_with_the_walks() {
        // A long chain and many rollbacks on one line: the walks exceed the budget and the
        // rest of the line is decided by one pass.
        let n = 50u32;
        let parents: Vec<Vec<u32>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { vec![] })
            .collect();
        // Deploy 0 (the tip), then every older commit, all on line 0, then on line 1.
        let placed: Vec<(u32, u32)> = std::iter::once((0, 0))
            .chain((1..n).map(|k| (k, 0)))
            .chain((0..n).map(|k| (n - 1 - k, 1)))
            .collect();
        assert_eq!(run(&parents, &placed), brute_force(&parents, &placed));
    }
}
