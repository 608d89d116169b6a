use std::cell::Cell;
use std::convert::Infallible;

use super::*;
use crate::tlog::test_support::{
    NaiveTree, Pseudorandom, decode_hash, reference_leaves, reference_tree,
};
use crate::tlog::{
    MemoryStore, ProofError, empty_root, leaf_hash, verify_consistency, verify_inclusion,
};

/// The reference roots for sizes 1 to 8, indexed by size (index 0 is the empty root).
fn reference_roots() -> Vec<Hash> {
    let tree = reference_tree();
    let by_size = &tree["roots_by_size_hex"];

    let mut roots = vec![empty_root()];
    roots.extend((1..=8).map(|size| decode_hash(&by_size[size.to_string()])));
    roots
}

fn store_of(leaves: &[Vec<u8>]) -> MemoryStore {
    let mut store = MemoryStore::new();
    for leaf in leaves {
        store.append(leaf_hash(leaf)).expect("a small log has room");
    }
    store
}

fn random_leaves(count: usize) -> Vec<Vec<u8>> {
    let mut random = Pseudorandom::new(0x7a65_726f_6c61_6265);

    (0..count).map(|_| random.leaf_data()).collect()
}

/// Counts every subtree hash a proof asks for, and how many store calls it makes.
struct CountingStore<'a> {
    inner: &'a MemoryStore,
    reads: Cell<usize>,
    calls: Cell<usize>,
}

impl<'a> CountingStore<'a> {
    fn new(inner: &'a MemoryStore) -> Self {
        Self {
            inner,
            reads: Cell::new(0),
            calls: Cell::new(0),
        }
    }
}

impl SubtreeStore for CountingStore<'_> {
    type Error = Infallible;

    fn subtree(&self, level: u8, index: u64) -> Result<Option<Hash>, Infallible> {
        self.reads.set(self.reads.get() + 1);
        self.inner.subtree(level, index)
    }

    fn subtrees(&self, ids: &[SubtreeId]) -> Result<Vec<Option<Hash>>, Infallible> {
        self.calls.set(self.calls.get() + 1);
        ids.iter()
            .map(|id| self.subtree(id.level, id.index))
            .collect()
    }
}

#[test]
fn appending_the_reference_leaves_gives_the_reference_root_at_every_size() {
    let roots = reference_roots();
    let mut store = MemoryStore::new();

    for (leaf, expected_root) in reference_leaves().iter().zip(&roots[1..]) {
        store.append(leaf_hash(leaf)).expect("a small log has room");

        assert_eq!(store.compact_range().root(), *expected_root);
        assert_eq!(root(store.size(), &store).ok(), Some(*expected_root));
    }
    assert_eq!(store.size(), 8);
}

#[test]
fn a_grown_store_still_gives_the_root_of_every_past_size() {
    let roots = reference_roots();
    let store = store_of(&reference_leaves());

    for (size, expected_root) in (0..=8).zip(&roots) {
        assert_eq!(root(size, &store).ok(), Some(*expected_root), "size {size}");
    }
}

#[test]
fn the_empty_log_has_the_empty_root() {
    let expected = decode_hash(&reference_tree()["empty_tree_root"]);

    assert_eq!(CompactRange::empty().root(), expected);
    assert_eq!(root(0, &MemoryStore::new()).ok(), Some(expected));
}

#[test]
fn each_append_stores_the_leaf_and_every_subtree_it_completes() {
    let mut range = CompactRange::empty();
    let mut rows: Vec<Vec<(u8, u64)>> = Vec::new();

    for index in 0..8u64 {
        let appended = append(&range, leaf_hash(&index.to_be_bytes())).expect("room");
        assert_eq!(appended.leaf_index, index);
        assert_eq!(appended.completed.len(), 1 + index.trailing_ones() as usize);
        rows.push(
            appended
                .completed
                .iter()
                .map(|row| (row.id.level, row.id.index))
                .collect(),
        );
        range = appended.range;
    }

    let expected: Vec<Vec<(u8, u64)>> = vec![
        vec![(0, 0)],
        vec![(0, 1), (1, 0)],
        vec![(0, 2)],
        vec![(0, 3), (1, 1), (2, 0)],
        vec![(0, 4)],
        vec![(0, 5), (1, 2)],
        vec![(0, 6)],
        vec![(0, 7), (1, 3), (2, 1), (3, 0)],
    ];
    assert_eq!(rows, expected);
}

#[test]
fn a_compact_range_rebuilt_from_the_store_equals_the_one_kept_while_appending() {
    let leaves = random_leaves(70);
    let mut store = MemoryStore::new();

    for leaf in &leaves {
        let rebuilt = CompactRange::from_store(store.size(), &store).expect("all rows are there");
        assert_eq!(&rebuilt, store.compact_range());
        store.append(leaf_hash(leaf)).expect("a small log has room");
    }
}

#[test]
fn every_inclusion_proof_of_the_reference_tree_verifies() {
    let roots = reference_roots();
    let leaves = reference_leaves();
    let store = store_of(&leaves);

    for size in 1..=8u64 {
        for index in 0..size {
            let proof = inclusion_proof(index, size, &store).expect("the leaf is in the tree");
            let leaf = leaf_hash(&leaves[index as usize]);

            let result = verify_inclusion(&leaf, index, size, &proof, &roots[size as usize]);
            assert_eq!(result, Ok(()), "leaf {index} of {size}");
        }
    }
}

#[test]
fn every_consistency_proof_of_the_reference_tree_verifies() {
    let roots = reference_roots();
    let store = store_of(&reference_leaves());

    for to in 0..=8u64 {
        for from in 0..=to {
            let proof = consistency_proof(from, to, &store).expect("sizes are in order");
            let (from_root, to_root) = (&roots[from as usize], &roots[to as usize]);

            let result = verify_consistency(from, to, from_root, to_root, &proof);
            assert_eq!(result, Ok(()), "from {from} to {to}");
        }
    }
}

#[test]
fn consistency_with_a_wrong_root_is_refused() {
    let roots = reference_roots();
    let store = store_of(&reference_leaves());

    for to in 1..=8u64 {
        for from in 1..=to {
            let proof = consistency_proof(from, to, &store).expect("sizes are in order");
            let (from_root, to_root) = (roots[from as usize], roots[to as usize]);
            for wrong in (1..=8).filter(|&size| size != from && size != to) {
                let wrong = &roots[wrong as usize];
                assert!(verify_consistency(from, to, wrong, &to_root, &proof).is_err());
                assert!(verify_consistency(from, to, &from_root, wrong, &proof).is_err());
            }
            assert!(verify_consistency(from, to, &flipped(from_root), &to_root, &proof).is_err());
            assert!(verify_consistency(from, to, &from_root, &flipped(to_root), &proof).is_err());
        }
    }
}

#[test]
fn the_empty_tree_is_consistent_with_any_tree_but_only_with_the_empty_root() {
    let roots = reference_roots();

    assert_eq!(
        verify_consistency(0, 5, &empty_root(), &roots[5], &[]),
        Ok(())
    );
    assert_eq!(
        verify_consistency(0, 5, &roots[1], &roots[5], &[]),
        Err(ProofError::RootMismatch)
    );
    assert_eq!(
        verify_consistency(0, 5, &empty_root(), &roots[5], &[roots[1]]),
        Err(ProofError::ExpectedEmptyProof)
    );
}

#[test]
fn random_trees_of_1_to_300_leaves_agree_with_the_naive_reference() {
    let leaves = random_leaves(300);
    let store = store_of(&leaves);
    let mut naive = NaiveTree::new(&leaves);

    for size in 1..=leaves.len() {
        let root_hash = naive.mth(0, size);
        assert_eq!(
            root(size as u64, &store).ok(),
            Some(root_hash),
            "root of {size}"
        );
        check_inclusion_proofs(&store, &mut naive, size);
        check_consistency_proofs(&store, &mut naive, size);
    }
}

fn check_inclusion_proofs(store: &MemoryStore, naive: &mut NaiveTree, size: usize) {
    let root_hash = naive.mth(0, size);

    for index in 0..size {
        let proof = inclusion_proof(index as u64, size as u64, store).expect("leaf in tree");
        assert_eq!(
            proof,
            naive.path(index, 0, size),
            "path of {index} in {size}"
        );

        let leaf = naive.mth(index, index + 1);
        let result = verify_inclusion(&leaf, index as u64, size as u64, &proof, &root_hash);
        assert_eq!(result, Ok(()), "leaf {index} of {size}");
    }
}

fn check_consistency_proofs(store: &MemoryStore, naive: &mut NaiveTree, to: usize) {
    let to_root = naive.mth(0, to);

    for from in 1..=to {
        let proof = consistency_proof(from as u64, to as u64, store).expect("sizes in order");
        assert_eq!(
            proof,
            naive.subproof(from, 0, to, true),
            "proof {from} to {to}"
        );

        let from_root = naive.mth(0, from);
        let result = verify_consistency(from as u64, to as u64, &from_root, &to_root, &proof);
        assert_eq!(result, Ok(()), "from {from} to {to}");
    }
}

/// The proof with one change: each byte flip, each dropped hash, and an added hash.
fn mutations(proof: &[Hash]) -> Vec<Vec<Hash>> {
    let mut mutated = Vec::new();

    for position in 0..proof.len() {
        let mut flipped_proof = proof.to_vec();
        flipped_proof[position] = flipped(proof[position]);
        mutated.push(flipped_proof);

        let mut shorter = proof.to_vec();
        shorter.remove(position);
        mutated.push(shorter);
    }
    for position in 0..=proof.len() {
        let mut longer = proof.to_vec();
        longer.insert(position, proof.first().copied().unwrap_or([0x55; 32]));
        mutated.push(longer);
    }
    mutated
}

fn flipped(mut hash: Hash) -> Hash {
    hash[hash.len() / 2] ^= 0x01;
    hash
}

/// Cases from the reference tree and from a random 300-leaf tree.
fn sample_sizes() -> Vec<usize> {
    (1..=16)
        .chain([31, 32, 33, 100, 255, 256, 257, 300])
        .collect()
}

#[test]
fn mutated_inclusion_proofs_are_refused() {
    let leaves = random_leaves(300);
    let store = store_of(&leaves);
    let mut naive = NaiveTree::new(&leaves);

    for size in sample_sizes() {
        let root_hash = naive.mth(0, size);
        for index in (0..size).step_by(size / 8 + 1) {
            let leaf = naive.mth(index, index + 1);
            let proof = inclusion_proof(index as u64, size as u64, &store).expect("in tree");
            for bad in mutations(&proof) {
                let result = verify_inclusion(&leaf, index as u64, size as u64, &bad, &root_hash);
                assert!(result.is_err(), "leaf {index} of {size}, proof {bad:?}");
            }
        }
    }
}

#[test]
fn an_inclusion_proof_for_another_leaf_index_or_tree_size_is_refused() {
    let leaves = random_leaves(40);
    let store = store_of(&leaves);
    let mut naive = NaiveTree::new(&leaves);

    for size in 1..=20 {
        for index in 0..size {
            let leaf = naive.mth(index, index + 1);
            let proof = inclusion_proof(index as u64, size as u64, &store).expect("in tree");
            let root_hash = naive.mth(0, size);
            for other in (0..40).filter(|&other| other != index) {
                let result = verify_inclusion(&leaf, other as u64, size as u64, &proof, &root_hash);
                assert!(result.is_err(), "leaf {index} of {size} passed as {other}");
            }
            for other in (index + 1..=40).filter(|&other| other != size) {
                let other_root = naive.mth(0, other);
                let result =
                    verify_inclusion(&leaf, index as u64, other as u64, &proof, &other_root);
                assert!(result.is_err(), "leaf {index} of {size} passed in {other}");
            }
            let wrong_leaf = flipped(leaf);
            let result =
                verify_inclusion(&wrong_leaf, index as u64, size as u64, &proof, &root_hash);
            assert_eq!(result, Err(ProofError::RootMismatch));
        }
    }
}

#[test]
fn mutated_consistency_proofs_are_refused() {
    let leaves = random_leaves(300);
    let store = store_of(&leaves);
    let mut naive = NaiveTree::new(&leaves);

    for to in sample_sizes() {
        let to_root = naive.mth(0, to);
        for from in (1..to).step_by(to / 8 + 1) {
            let from_root = naive.mth(0, from);
            let proof = consistency_proof(from as u64, to as u64, &store).expect("in order");
            for bad in mutations(&proof) {
                let result = verify_consistency(from as u64, to as u64, &from_root, &to_root, &bad);
                assert!(result.is_err(), "from {from} to {to}, proof {bad:?}");
            }
        }
    }
}

#[test]
fn a_consistency_proof_for_other_tree_sizes_is_refused() {
    let leaves = random_leaves(40);
    let store = store_of(&leaves);
    let mut naive = NaiveTree::new(&leaves);

    for to in 2..=20 {
        for from in 1..to {
            let proof = consistency_proof(from as u64, to as u64, &store).expect("in order");
            for (other_from, other_to) in [(from + 1, to), (from - 1, to), (from, to + 1)] {
                if other_from == 0 || other_from >= other_to {
                    continue;
                }
                let (old, new) = (naive.mth(0, other_from), naive.mth(0, other_to));
                let (old_size, new_size) = (other_from as u64, other_to as u64);
                let result = verify_consistency(old_size, new_size, &old, &new, &proof);
                assert!(
                    result.is_err(),
                    "{from}->{to} passed as {other_from}->{other_to}"
                );
            }
        }
    }
}

#[test]
fn questions_outside_the_stored_tree_are_answered_with_errors() {
    let store = store_of(&reference_leaves());

    assert!(matches!(
        root(9, &store),
        Err(TreeError::MissingSubtree { level: 0, index: 8 })
    ));
    assert!(matches!(
        inclusion_proof(8, 8, &store),
        Err(TreeError::LeafOutOfRange { index: 8, size: 8 })
    ));
    assert!(matches!(
        consistency_proof(5, 3, &store),
        Err(TreeError::SizesOutOfOrder { from: 5, to: 3 })
    ));
    assert!(matches!(
        inclusion_proof(3, 12, &store),
        Err(TreeError::MissingSubtree { .. })
    ));
    assert_eq!(
        verify_inclusion(&empty_root(), 8, 8, &[], &empty_root()),
        Err(ProofError::LeafOutOfRange { index: 8, size: 8 })
    );
}

/// A distinct leaf hash per index without hashing: the tree treats leaf hashes as opaque, and
/// this halves the hashing a million-leaf test does in a debug build.
fn stand_in_leaf_hash(index: u64) -> Hash {
    let mut hash = [0xa5; 32];
    hash[..8].copy_from_slice(&index.to_be_bytes());
    hash
}

#[test]
fn an_inclusion_proof_in_a_million_leaf_log_reads_a_logarithmic_number_of_hashes() {
    const SIZE: u64 = 1_000_000;
    let mut store = MemoryStore::new();
    for index in 0..SIZE {
        store
            .append(stand_in_leaf_hash(index))
            .expect("a million leaves fit");
    }
    let root_hash = store.compact_range().root();
    let read_limit = 2 * SIZE.ilog2() as usize + 2;

    for index in [0, 1, 123_456, 524_287, 524_288, 999_998, SIZE - 1] {
        let counting = CountingStore::new(&store);
        let proof = inclusion_proof(index, SIZE, &counting).expect("the leaf is in the tree");

        assert!(
            counting.reads.get() <= read_limit,
            "{} reads",
            counting.reads.get()
        );
        assert_eq!(counting.calls.get(), 1, "one store call per proof");
        let leaf = stand_in_leaf_hash(index);
        assert_eq!(
            verify_inclusion(&leaf, index, SIZE, &proof, &root_hash),
            Ok(())
        );
    }

    for from in [1, 1000, 524_288, 777_777, SIZE - 1] {
        let counting = CountingStore::new(&store);
        let proof = consistency_proof(from, SIZE, &counting).expect("sizes are in order");

        assert!(
            counting.reads.get() <= read_limit,
            "{} reads",
            counting.reads.get()
        );
        let from_root = root(from, &store).expect("a past size");
        assert_eq!(
            verify_consistency(from, SIZE, &from_root, &root_hash, &proof),
            Ok(())
        );
    }
}

/// A store that breaks its contract by answering too few hashes.
struct ShortAnsweringStore;

impl SubtreeStore for ShortAnsweringStore {
    type Error = Infallible;

    fn subtree(&self, _level: u8, _index: u64) -> Result<Option<Hash>, Infallible> {
        Ok(Some([0; 32]))
    }

    fn subtrees(&self, _ids: &[SubtreeId]) -> Result<Vec<Option<Hash>>, Infallible> {
        Ok(Vec::new())
    }
}

#[test]
fn a_store_that_answers_too_few_hashes_is_caught() {
    let result = inclusion_proof(0, 5, &ShortAnsweringStore);

    assert!(matches!(
        result,
        Err(TreeError::WrongAnswerCount {
            asked: 3,
            answered: 0
        })
    ));
}
