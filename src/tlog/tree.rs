//! The Merkle tree over stored perfect-subtree hashes: appending, roots and proofs.
//!
//! Every tree range these functions need (RFC 9162 section 2.1.1 splits `D[n]` at the largest
//! power of two below `n`) starts on a multiple of a power of two at least as long as the range.
//! Such a range is therefore a short row of perfect subtrees, one per set bit of its length, and
//! its hash folds those stored hashes from the right. That is what keeps every read O(log n).

use serde::{Deserialize, Serialize};

use super::hash::{Hash, node_hash};
use super::{AppendError, TreeError};

/// Where a perfect subtree sits: it covers leaves `[index * 2^level, (index + 1) * 2^level)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SubtreeId {
    /// Height above the leaves; level 0 is a single leaf.
    pub level: u8,
    /// Position among the subtrees of the same level, counted from the left.
    pub index: u64,
}

impl SubtreeId {
    /// The subtree holding just leaf `index`.
    pub fn leaf(index: u64) -> Self {
        Self { level: 0, index }
    }

    /// The subtree one level up that contains this one.
    pub fn parent(self) -> Self {
        Self {
            level: self.level + 1,
            index: self.index >> 1,
        }
    }
}

/// A perfect subtree whose last leaf was just appended: one row for the database to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompletedSubtree {
    /// Where the subtree sits.
    pub id: SubtreeId,
    /// Its Merkle tree hash, final from now on.
    pub hash: Hash,
}

/// Read access to stored perfect-subtree hashes, so the tree can live in any database.
///
/// A store must hold, for every leaf appended so far, the [`CompletedSubtree`]s that [`append`]
/// returned for it. Hashes never change, so a store may answer from a cache.
pub trait SubtreeStore {
    /// What can go wrong while reading (a database error, for example).
    type Error: std::error::Error + 'static;

    /// The hash of the perfect subtree at `level` covering leaves from `index * 2^level`, or
    /// `None` when that subtree is not complete yet.
    fn subtree(&self, level: u8, index: u64) -> Result<Option<Hash>, Self::Error>;

    /// Several hashes at once, one answer per id in the same order. Every root or proof asks
    /// exactly once, so a database store should override this with a single query.
    fn subtrees(&self, ids: &[SubtreeId]) -> Result<Vec<Option<Hash>>, Self::Error> {
        ids.iter()
            .map(|id| self.subtree(id.level, id.index))
            .collect()
    }
}

/// The right edge of a tree: the roots of its perfect subtrees, largest (leftmost) first.
///
/// It is all that appending needs, and it yields the current root without any read. There is
/// one peak per set bit of the size, so at most 64.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompactRange {
    size: u64,
    peaks: Vec<Hash>,
}

impl CompactRange {
    /// The range of a log with no entries yet.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Rebuilds the range of a tree of `size` leaves from the store (after a restart).
    pub fn from_store<S>(size: u64, store: &S) -> Result<Self, TreeError<S::Error>>
    where
        S: SubtreeStore + ?Sized,
    {
        let ids: Vec<SubtreeId> = LeafSpan::whole(size).subtrees().collect();
        let peaks = fetch(&ids, store)?;

        Ok(Self { size, peaks })
    }

    /// How many leaves the tree holds.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The perfect-subtree roots along the right edge, leftmost first.
    pub fn peaks(&self) -> &[Hash] {
        &self.peaks
    }

    /// The RFC 9162 root of the tree, computed from the peaks alone.
    pub fn root(&self) -> Hash {
        fold_from_right(&self.peaks)
    }
}

/// What appending one leaf produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appended {
    /// The index the new leaf got (the old tree size).
    pub leaf_index: u64,
    /// The right edge of the grown tree; keep it only once the rows below are stored.
    pub range: CompactRange,
    /// The rows to store: the leaf itself, then each parent it completed, lowest first.
    pub completed: Vec<CompletedSubtree>,
}

/// Appends a leaf hash to the tree whose right edge is `range`, without touching storage.
///
/// Leaf `i` completes one subtree per trailing one bit of `i`, above the leaf itself; each
/// joins the peak just left of it. The old range is left as it was, so a failed database
/// transaction needs no undo.
pub fn append(range: &CompactRange, leaf_hash: Hash) -> Result<Appended, AppendError> {
    let leaf_index = range.size;
    let size = leaf_index.checked_add(1).ok_or(AppendError::LogFull)?;

    let mut peaks = range.peaks.clone();
    let merges = leaf_index.trailing_ones() as usize;
    let first_merged = peaks.len().saturating_sub(merges);

    let mut id = SubtreeId::leaf(leaf_index);
    let mut hash = leaf_hash;
    let mut completed = vec![CompletedSubtree { id, hash }];
    for left in peaks.drain(first_merged..).rev() {
        hash = node_hash(&left, &hash);
        id = id.parent();
        completed.push(CompletedSubtree { id, hash });
    }
    peaks.push(hash);

    let range = CompactRange { size, peaks };
    Ok(Appended {
        leaf_index,
        range,
        completed,
    })
}

/// The RFC 9162 root of the first `size` leaves: `popcount(size)` reads.
pub fn root<S>(size: u64, store: &S) -> Result<Hash, TreeError<S::Error>>
where
    S: SubtreeStore + ?Sized,
{
    let ids: Vec<SubtreeId> = LeafSpan::whole(size).subtrees().collect();

    Ok(fold_from_right(&fetch(&ids, store)?))
}

/// The audit path of leaf `index` in the tree of the first `size` leaves, leaf side first
/// (RFC 9162 section 2.1.3.1), from at most about `2 * log2(size)` reads.
pub fn inclusion_proof<S>(
    index: u64,
    size: u64,
    store: &S,
) -> Result<Vec<Hash>, TreeError<S::Error>>
where
    S: SubtreeStore + ?Sized,
{
    if index >= size {
        return Err(TreeError::LeafOutOfRange { index, size });
    }

    span_hashes(&inclusion_spans(index, size), store)
}

/// The proof that the tree of `to` leaves extends the tree of `from` leaves (RFC 9162 section
/// 2.1.4.1). It is empty when `from` is 0 or equals `to`.
pub fn consistency_proof<S>(from: u64, to: u64, store: &S) -> Result<Vec<Hash>, TreeError<S::Error>>
where
    S: SubtreeStore + ?Sized,
{
    if from > to {
        return Err(TreeError::SizesOutOfOrder { from, to });
    }
    if from == 0 {
        return Ok(Vec::new());
    }

    span_hashes(&consistency_spans(from, to), store)
}

/// A run of consecutive leaves whose start is a multiple of a power of two at least as large
/// as its length: the only shape RFC 9162's recursive split produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct LeafSpan {
    start: u64,
    len: u64,
}

impl LeafSpan {
    /// The whole tree of `size` leaves.
    fn whole(size: u64) -> Self {
        Self {
            start: 0,
            len: size,
        }
    }

    /// RFC 9162 section 2.1.1: the left part is the largest power of two below `len`.
    /// Only called with `len >= 2`.
    fn split(self) -> (Self, Self) {
        let left_len = 1u64 << (u64::BITS - 1 - (self.len - 1).leading_zeros());
        let left = Self {
            start: self.start,
            len: left_len,
        };
        let right = Self {
            start: self.start + left_len,
            len: self.len - left_len,
        };

        (left, right)
    }

    /// The perfect subtrees making up the span, left to right: one per set bit of its length.
    fn subtrees(self) -> impl Iterator<Item = SubtreeId> {
        let mut next_leaf = self.start;

        (0..u64::BITS as u8)
            .rev()
            .filter(move |level| self.len >> level & 1 == 1)
            .map(move |level| {
                let id = SubtreeId {
                    level,
                    index: next_leaf >> level,
                };
                next_leaf += 1 << level;
                id
            })
    }
}

/// RFC 9162 section 2.1.3.1, `PATH(m, D[n])`, as the spans whose hashes form the path.
fn inclusion_spans(index: u64, size: u64) -> Vec<LeafSpan> {
    let mut spans = Vec::new();
    let mut tree = LeafSpan::whole(size);
    let mut offset = index;

    while tree.len > 1 {
        let (left, right) = tree.split();
        if offset < left.len {
            spans.push(right);
            tree = left;
        } else {
            spans.push(left);
            offset -= left.len;
            tree = right;
        }
    }

    // The recursion emits the root side first; the path is read from the leaf.
    spans.reverse();
    spans
}

/// RFC 9162 section 2.1.4.1, `SUBPROOF(m, D[n], true)`, as spans. Needs `0 < from <= to`.
fn consistency_spans(from: u64, to: u64) -> Vec<LeafSpan> {
    let mut spans = Vec::new();
    let mut tree = LeafSpan::whole(to);
    let mut old_len = from;
    let mut old_tree_is_whole_subtree = true;

    while old_len != tree.len {
        let (left, right) = tree.split();
        if old_len <= left.len {
            spans.push(right);
            tree = left;
        } else {
            spans.push(left);
            old_len -= left.len;
            tree = right;
            old_tree_is_whole_subtree = false;
        }
    }
    // The flag `b` of the RFC: the verifier already holds this hash when it is the old root.
    if !old_tree_is_whole_subtree {
        spans.push(tree);
    }

    spans.reverse();
    spans
}

/// Reads every subtree the spans need in one store call and folds each span's hash.
fn span_hashes<S>(spans: &[LeafSpan], store: &S) -> Result<Vec<Hash>, TreeError<S::Error>>
where
    S: SubtreeStore + ?Sized,
{
    let ids: Vec<SubtreeId> = spans.iter().flat_map(|span| span.subtrees()).collect();
    let hashes = fetch(&ids, store)?;

    let mut unused = hashes.as_slice();
    let folded = spans.iter().map(|span| {
        let (parts, rest) = unused.split_at(span.len.count_ones() as usize);
        unused = rest;
        fold_from_right(parts)
    });
    Ok(folded.collect())
}

/// Asks the store for `ids` and insists on a hash for each.
fn fetch<S>(ids: &[SubtreeId], store: &S) -> Result<Vec<Hash>, TreeError<S::Error>>
where
    S: SubtreeStore + ?Sized,
{
    let answers = store.subtrees(ids).map_err(TreeError::Store)?;
    if answers.len() != ids.len() {
        return Err(TreeError::WrongAnswerCount {
            asked: ids.len(),
            answered: answers.len(),
        });
    }

    let missing = |id: &SubtreeId| TreeError::MissingSubtree {
        level: id.level,
        index: id.index,
    };
    ids.iter()
        .zip(answers)
        .map(|(id, answer)| answer.ok_or_else(|| missing(id)))
        .collect()
}

/// The hash of a row of perfect subtrees, largest first: each joins everything to its right.
/// An empty row is the empty tree.
fn fold_from_right(parts: &[Hash]) -> Hash {
    parts
        .iter()
        .rev()
        .copied()
        .reduce(|right, left| node_hash(&left, &right))
        .unwrap_or_else(super::hash::empty_root)
}

#[cfg(test)]
mod tests;
