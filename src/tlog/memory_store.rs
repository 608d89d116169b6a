//! An in-memory [`SubtreeStore`]: the reference for what a database store must hold, and the
//! store the tests use.

use std::convert::Infallible;

use super::AppendError;
use super::hash::Hash;
use super::tree::{CompactRange, CompletedSubtree, SubtreeStore, append};

/// A whole log in memory: one vector of subtree hashes per level, filled as leaves arrive.
///
/// Memory grows by two hashes (64 bytes) per leaf on average.
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    levels: Vec<Vec<Hash>>,
    range: CompactRange,
}

impl MemoryStore {
    /// A store for a log with no entries.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a leaf hash and keeps every subtree it completes; returns the leaf's index.
    pub fn append(&mut self, leaf_hash: Hash) -> Result<u64, AppendError> {
        let appended = append(&self.range, leaf_hash)?;

        appended
            .completed
            .iter()
            .for_each(|subtree| self.keep(subtree));
        self.range = appended.range;
        Ok(appended.leaf_index)
    }

    /// How many leaves the store holds.
    pub fn size(&self) -> u64 {
        self.range.size()
    }

    /// The right edge of the whole tree, whose root needs no read.
    pub fn compact_range(&self) -> &CompactRange {
        &self.range
    }

    /// Appends arrive in order, so each completed subtree is the next one of its level.
    fn keep(&mut self, subtree: &CompletedSubtree) {
        let level = usize::from(subtree.id.level);
        if self.levels.len() <= level {
            self.levels.resize_with(level + 1, Vec::new);
        }

        self.levels[level].push(subtree.hash);
    }
}

impl SubtreeStore for MemoryStore {
    type Error = Infallible;

    fn subtree(&self, level: u8, index: u64) -> Result<Option<Hash>, Self::Error> {
        let hashes = self.levels.get(usize::from(level));
        let position = usize::try_from(index).ok();

        Ok(hashes
            .zip(position)
            .and_then(|(hashes, position)| hashes.get(position))
            .copied())
    }
}
