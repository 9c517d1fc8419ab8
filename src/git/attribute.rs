//! First-deployment attribution over a compact commit DAG, in one pass.
//!
//! A commit belongs to the earliest deployment (in deployment order) whose commit reaches it.
//! Instead of one `rev-list D --not <earlier>` walk per deployment, every commit starts with
//! the best rank of any deployment placed on it, and ranks flow from children to parents in a
//! topological order (Kahn's algorithm over child counts). Each node and edge is touched a
//! constant number of times: O(commits + edges), whatever the number of deployments.

/// A commit DAG in compressed sparse rows: the parents of node `i` are
/// `parent_idx[parent_start[i]..parent_start[i + 1]]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dag {
    parent_start: Vec<u32>,
    parent_idx: Vec<u32>,
}

/// Marks a commit no deployment reaches.
pub const UNDEPLOYED: u32 = u32::MAX;

impl Dag {
    /// An empty DAG, ready for [`Dag::push_node`].
    pub fn new() -> Self {
        Dag {
            parent_start: vec![0],
            parent_idx: Vec::new(),
        }
    }

    /// Builds a DAG from per-node parent lists (tests and small inputs).
    pub fn from_parents(parents: &[Vec<u32>]) -> Self {
        let mut dag = Dag::new();
        for p in parents {
            dag.push_node(p.iter().copied());
        }
        dag
    }

    /// Builds a DAG from compressed sparse rows (`start` has one more entry than nodes).
    pub fn from_csr(parent_start: Vec<u32>, parent_idx: Vec<u32>) -> Self {
        debug_assert_eq!(parent_start.last().copied(), Some(parent_idx.len() as u32));
        Dag {
            parent_start,
            parent_idx,
        }
    }

    /// Appends the next node with its parents (which may be nodes not pushed yet).
    pub fn push_node(&mut self, parents: impl IntoIterator<Item = u32>) {
        self.parent_idx.extend(parents);
        self.parent_start.push(self.parent_idx.len() as u32);
    }

    /// Number of nodes pushed.
    pub fn len(&self) -> usize {
        self.parent_start.len() - 1
    }

    /// Whether the DAG has no nodes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The parents of node `i`.
    pub fn parents(&self, i: usize) -> &[u32] {
        &self.parent_idx[self.parent_start[i] as usize..self.parent_start[i + 1] as usize]
    }

    /// Number of parent edges.
    pub fn edges(&self) -> usize {
        self.parent_idx.len()
    }

    /// Nodes ordered so that every node comes before all of its parents (children first).
    /// Returns `None` if the graph has a cycle, which a valid git history cannot have.
    pub fn children_first_order(&self) -> Option<Vec<u32>> {
        let n = self.len();
        let mut pending_children = vec![0u32; n];
        for &p in &self.parent_idx {
            pending_children[p as usize] += 1;
        }
        let mut order: Vec<u32> = (0..n as u32)
            .filter(|&i| pending_children[i as usize] == 0)
            .collect();
        order.reserve(n - order.len());
        let mut next = 0;
        while next < order.len() {
            let node = order[next] as usize;
            next += 1;
            for &p in self.parents(node) {
                let c = &mut pending_children[p as usize];
                *c -= 1;
                if *c == 0 {
                    order.push(p);
                }
            }
        }
        (order.len() == n).then_some(order)
    }
}

/// For every node, the rank of the first deployment that reaches it, or [`UNDEPLOYED`].
///
/// `deployed` lists `(node, rank)` pairs, where rank is the deployment's position in
/// deployment order (time, then name). Several deployments may share a node.
pub fn first_deployment(dag: &Dag, deployed: &[(u32, u32)]) -> Option<Vec<u32>> {
    let mut first = vec![UNDEPLOYED; dag.len()];
    for &(node, rank) in deployed {
        let slot = &mut first[node as usize];
        *slot = (*slot).min(rank);
    }
    for node in dag.children_first_order()? {
        let rank = first[node as usize];
        if rank == UNDEPLOYED {
            continue;
        }
        for &p in dag.parents(node as usize) {
            let slot = &mut first[p as usize];
            *slot = (*slot).min(rank);
        }
    }
    Some(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The definition, computed the slow way: for each deployment in rank order, the nodes it
    /// reaches that no earlier deployment reaches.
    fn brute_force(dag: &Dag, deployed: &[(u32, u32)]) -> Vec<u32> {
        let mut first = vec![UNDEPLOYED; dag.len()];
        let mut by_rank = deployed.to_vec();
        by_rank.sort_by_key(|&(_, r)| r);
        for &(node, rank) in &by_rank {
            let mut stack = vec![node];
            let mut seen = vec![false; dag.len()];
            while let Some(n) = stack.pop() {
                if std::mem::replace(&mut seen[n as usize], true) {
                    continue;
                }
                if first[n as usize] == UNDEPLOYED {
                    first[n as usize] = rank;
                }
                stack.extend(dag.parents(n as usize));
            }
        }
        first
    }

    #[test]
    fn linear_history() {
        // 0 <- 1 <- 2 <- 3 (node 3 is the tip; parents point to older nodes)
        let dag = Dag::from_parents(&[vec![], vec![0], vec![1], vec![2]]);
        let first = first_deployment(&dag, &[(1, 0), (3, 1)]).unwrap();
        assert_eq!(first, vec![0, 0, 1, 1]);
    }

    #[test]
    fn later_deployment_on_older_commit_ships_nothing() {
        let dag = Dag::from_parents(&[vec![], vec![0], vec![1]]);
        let first = first_deployment(&dag, &[(2, 0), (1, 1)]).unwrap();
        assert_eq!(first, vec![0, 0, 0]);
    }

    #[test]
    fn cycle_is_rejected() {
        let dag = Dag::from_parents(&[vec![1], vec![0]]);
        assert_eq!(first_deployment(&dag, &[(0, 0)]), None);
    }

    fn arb_dag_and_deployments() -> impl Strategy<Value = (Vec<Vec<u32>>, Vec<(u32, u32)>)> {
        (1usize..60).prop_flat_map(|n| {
            // Node i's parents are older nodes (< i), so the graph is acyclic by construction.
            let parents = (0..n)
                .map(|i| {
                    if i == 0 {
                        Just(vec![]).boxed()
                    } else {
                        proptest::collection::vec(0..i as u32, 0..=3).boxed()
                    }
                })
                .collect::<Vec<_>>();
            let deployed = proptest::collection::vec((0..n as u32, 0u32..12), 0..10);
            (parents, deployed)
        })
    }

    proptest! {
        #[test]
        fn matches_brute_force((parents, deployed) in arb_dag_and_deployments()) {
            let dag = Dag::from_parents(&parents);
            let fast = first_deployment(&dag, &deployed).unwrap();
            prop_assert_eq!(fast, brute_force(&dag, &deployed));
        }
    }
}
