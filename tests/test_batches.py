"""How the corpus is cut into batches (flows/batch.py): bounded, and local to a change."""

from pathlib import Path

from flows.batch import batch_bytes, batches_of, id_runs, largest_first

SIZE = 10
PATHS = [Path(f"doc{i:05d}.txt") for i in range(5000)]


def test_no_batch_is_much_longer_than_the_batch_size_though_runs_are():
    assert max(map(len, id_runs(PATHS, SIZE))) > 3 * SIZE  # what the split is for
    batches = batches_of(PATHS, SIZE)
    assert sum(batches, []) == PATHS
    assert max(map(len, batches)) <= 1.5 * SIZE
    assert 0.6 * SIZE < len(PATHS) / len(batches) <= SIZE


def test_a_removed_document_changes_only_the_batches_of_its_own_long_run():
    before = batches_of(PATHS, SIZE)
    long_run = max(id_runs(PATHS, SIZE), key=len)
    removed = long_run[len(long_run) // 2]
    after = batches_of([path for path in PATHS if path != removed], SIZE)
    changed = sum([batch for batch in after if batch not in before], [])
    assert changed and set(changed) <= set(long_run) - {removed}


def test_largest_batches_are_handed_out_first_each_once():
    sizes = [len(batch) * 1000 + number % 7 for number, batch in enumerate(batches_of(PATHS, SIZE))]
    order = largest_first(sizes)
    assert sorted(order) == list(range(len(sizes)))
    assert [sizes[number] for number in order] == sorted(sizes, reverse=True)


def test_a_batch_is_as_large_as_its_files(tmp_path):
    for name, size in (("a", 3), ("b", 40)):
        (tmp_path / f"{name}.txt").write_bytes(b"x" * size)
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere")  # quarantined when read; counts nothing here
    assert batch_bytes(sorted(tmp_path.glob("*.txt"))) == 43
