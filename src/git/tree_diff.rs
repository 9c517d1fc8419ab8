//! Comparing two trees: every file whose entry differs, in git's order, reading only tree
//! objects (a subtree with the same id on both sides is never opened). The one tree walk
//! behind `paths` (which paths a commit touches) and `patch_id` (what it changed), and the
//! per-thread repository handles both run it on.

use std::cmp::Ordering;

use gix::ObjectId;
use gix::objs::Find;
use gix::objs::tree::{EntryKind, EntryRef};

/// Bytes of delta bases a thread keeps at most. Trees are stored as deltas against each
/// other; gix's default (a 64-slot list) made the tree diffs 30% slower on git/git than a
/// memory-capped map of this size, which is git's own `core.deltaBaseCacheLimit` default
/// (96 MiB) scaled down: 32 to 256 MiB measured the same (docs/performance.md).
const DELTA_CACHE: usize = 64 << 20;

/// Bytes all threads' caches may hold together, so that memory does not grow with the
/// number of cores: each thread gets its share, between 1 MiB (objects) and 4 MiB (delta
/// bases) and the sizes asked for.
const CACHE_BUDGET: usize = 160 << 20;

/// The object and delta-base cache sizes of one of `threads` threads whose object cache
/// should hold at most `object_max` bytes: the share split in proportion to the two maxima.
fn cache_sizes(threads: usize, object_max: usize) -> (usize, usize) {
    let share = CACHE_BUDGET / threads.max(1);
    let object = (share / (1 + DELTA_CACHE / object_max.max(1))).clamp(1 << 20, object_max);
    let delta = (share - object).clamp(4 << 20, DELTA_CACHE);
    (object, delta)
}

/// A maker of repository handles for rayon's threads, each with its share of the caches
/// (`object_max` bytes of decoded objects at most).
pub(super) fn thread_handles(
    repo: &gix::Repository,
    object_max: usize,
) -> impl Fn() -> gix::Repository + Sync {
    let shared = repo.clone().into_sync();
    let (object_cache, delta_cache) = cache_sizes(rayon::current_num_threads(), object_max);
    move || {
        let mut local = shared.to_thread_local();
        local.object_cache_size(object_cache);
        local.objects.set_pack_cache(move || {
            Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(delta_cache))
        });
        local
    }
}

/// Reads object `id` of `kind` into `buf`, with an error naming it.
pub(super) fn read_object(
    repo: &gix::Repository,
    id: &ObjectId,
    kind: gix::objs::Kind,
    buf: &mut Vec<u8>,
) -> Result<(), String> {
    let failed = |e: &dyn std::fmt::Display| format!("{kind} {id}: {e}");
    let found = repo.objects.try_find(id, buf).map_err(|e| failed(&e))?;
    let Some(data) = found else {
        return Err(format!("{kind} {id} is missing"));
    };
    if data.kind != kind {
        return Err(format!("{id}: expected a {kind}, found a {}", data.kind));
    }
    let (at, len) = (data.data.as_ptr() as usize, data.data.len());
    if at == buf.as_ptr() as usize && len <= buf.len() {
        buf.truncate(len);
    } else {
        // The stores write into the start of the buffer; should one ever not, copy.
        let mut other = Vec::new();
        let found = repo.objects.try_find(id, &mut other).map_err(|e| failed(&e))?;
        *buf = found.map(|d| d.data.to_vec()).unwrap_or_default();
    }
    Ok(())
}

/// One side of a differing file: its entry kind and object id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Side {
    /// Blob, executable, symlink or submodule.
    pub kind: EntryKind,
    /// The blob (or submodule commit).
    pub id: ObjectId,
}

impl Side {
    fn of(e: &EntryRef<'_>) -> Side {
        Side {
            kind: e.mode.kind(),
            id: e.oid.to_owned(),
        }
    }
}

/// What a tree comparison reports: for each differing file, its directory (with a trailing
/// `/`, empty at the root), its name, and its old and new side (`None`: absent).
pub(super) type Found<'f> = dyn FnMut(&[u8], &[u8], Option<Side>, Option<Side>) + 'f;

/// One thread's tree walker: its repository handle and reusable buffers.
pub(super) struct TreeDiff {
    /// The handle trees (and, for callers, blobs) are read with.
    pub repo: gix::Repository,
    hash: gix::hash::Kind,
    /// Object buffers not in use (one pair per directory level being compared).
    spare: Vec<Vec<u8>>,
    /// The directory being compared, with a trailing `/` unless at the root.
    prefix: Vec<u8>,
}

impl TreeDiff {
    pub(super) fn new(repo: gix::Repository) -> Self {
        TreeDiff {
            hash: repo.object_hash(),
            repo,
            spare: Vec::new(),
            prefix: Vec::new(),
        }
    }

    /// Calls `found` for every file in which tree `old` and tree `new` differ (`None`: the
    /// empty tree), in `git diff-tree` order: added, deleted, modified, changed in kind. An
    /// entry that is a file on one side and a directory on the other is both (git orders
    /// them apart); there is no rename detection.
    pub(super) fn diff(
        &mut self,
        old: Option<&ObjectId>,
        new: Option<&ObjectId>,
        found: &mut Found<'_>,
    ) -> Result<(), String> {
        self.prefix.clear();
        self.trees(old, new, found)
    }

    fn trees(
        &mut self,
        old: Option<&ObjectId>,
        new: Option<&ObjectId>,
        found: &mut Found<'_>,
    ) -> Result<(), String> {
        if old == new {
            return Ok(());
        }
        let a = self.load(old)?;
        let b = self.load(new)?;
        let result = self.walk(&a, &b, found);
        self.spare.push(a);
        self.spare.push(b);
        result
    }

    /// The tree object `id` in a spare buffer (empty for `None` and the empty tree).
    fn load(&mut self, id: Option<&ObjectId>) -> Result<Vec<u8>, String> {
        let mut buf = self.spare.pop().unwrap_or_default();
        buf.clear();
        match id.filter(|id| !id.is_empty_tree()) {
            None => Ok(buf),
            Some(id) => read_object(&self.repo, id, gix::objs::Kind::Tree, &mut buf).map(|()| buf),
        }
    }

    /// A merge of the two sorted entry lists.
    fn walk(&mut self, a: &[u8], b: &[u8], found: &mut Found<'_>) -> Result<(), String> {
        let mut ia = gix::objs::TreeRefIter::from_bytes(a, self.hash);
        let mut ib = gix::objs::TreeRefIter::from_bytes(b, self.hash);
        fn next<'a>(it: &mut gix::objs::TreeRefIter<'a>) -> Result<Option<EntryRef<'a>>, String> {
            it.next().transpose().map_err(|e| format!("a tree: {e}"))
        }
        let (mut x, mut y) = (next(&mut ia)?, next(&mut ib)?);
        loop {
            let order = match (&x, &y) {
                (None, None) => return Ok(()),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(o), Some(n)) => {
                    gix::objs::tree::name_order(o.filename, o.mode.is_tree(), n.filename, n.mode.is_tree())
                }
            };
            match (order, &x, &y) {
                (Ordering::Less, Some(o), _) => {
                    self.one_side(o, false, found)?;
                    x = next(&mut ia)?;
                }
                (Ordering::Greater, _, Some(n)) => {
                    self.one_side(n, true, found)?;
                    y = next(&mut ib)?;
                }
                (Ordering::Equal, Some(o), Some(n)) => {
                    // Equal names in git's order are both directories or both not.
                    if o.oid != n.oid || o.mode.kind() != n.mode.kind() {
                        if n.mode.is_tree() {
                            let (old, new) = (o.oid.to_owned(), n.oid.to_owned());
                            self.below(n.filename, Some(&old), Some(&new), found)?;
                        } else {
                            found(&self.prefix, n.filename, Some(Side::of(o)), Some(Side::of(n)));
                        }
                    }
                    x = next(&mut ia)?;
                    y = next(&mut ib)?;
                }
                // The order above is only ever taken from a side that is present.
                _ => return Ok(()),
            }
        }
    }

    /// An entry present on one side only: itself, or every file below it.
    fn one_side(&mut self, e: &EntryRef<'_>, is_new: bool, found: &mut Found<'_>) -> Result<(), String> {
        if e.mode.is_tree() {
            let id = e.oid.to_owned();
            let (old, new) = if is_new {
                (None, Some(&id))
            } else {
                (Some(&id), None)
            };
            self.below(e.filename, old, new, found)
        } else {
            let side = Some(Side::of(e));
            let (old, new) = if is_new { (None, side) } else { (side, None) };
            found(&self.prefix, e.filename, old, new);
            Ok(())
        }
    }

    /// The comparison of directory `name`'s two trees, below the current one.
    fn below(
        &mut self,
        name: &[u8],
        old: Option<&ObjectId>,
        new: Option<&ObjectId>,
        found: &mut Found<'_>,
    ) -> Result<(), String> {
        let len = self.prefix.len();
        self.prefix.extend_from_slice(name);
        self.prefix.push(b'/');
        let result = self.trees(old, new, found);
        self.prefix.truncate(len);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caches_share_one_budget() {
        // Two cores get the measured sizes; many cores share the budget.
        assert_eq!(cache_sizes(2, 8 << 20), (8 << 20, DELTA_CACHE));
        assert_eq!(cache_sizes(2, 16 << 20), (16 << 20, DELTA_CACHE));
        let (o, d) = cache_sizes(64, 8 << 20);
        assert_eq!((o, d), (1 << 20, 4 << 20));
    }
}
