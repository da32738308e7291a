"""What a run shows in Prefect: summary, per-document table, progress, link to the output."""

from conftest import SEEDS


def test_a_run_publishes_its_artifacts(prefect_harness, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    from flows.clean_corpus import clean_corpus

    state = clean_corpus(src=str(SEEDS), out=str(tmp_path / "clean"), batch_size=2, return_state=True)
    assert state.is_completed()
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id]))
        )
    by_key = {a.key: a for a in artifacts}
    assert by_key.keys() == {"clean-corpus-summary", "clean-corpus-documents", "clean-corpus-progress", "clean-corpus-output"}
    assert by_key["clean-corpus-progress"].data == 100.0
    # Prefect stores a link artifact as markdown holding the link.
    assert (tmp_path / "clean").as_uri() in by_key["clean-corpus-output"].data
    rows = by_key["clean-corpus-documents"].data
    assert '"id": "004_c1566947fe81e285"' in rows and '"strip_boilerplate"' in rows


def test_progress_reaches_a_local_reporter(prefect_harness, tmp_path):
    from flows.batch import batches_of
    from flows.clean_corpus import clean_corpus
    from flows.corpus_io import list_sources
    from flows.progress import CLEANING, CORPUS_PASS, reporting

    total = len(batches_of(list_sources(SEEDS), 2))
    assert total > 1
    seen = []
    with reporting(lambda done, total, stage: seen.append((stage, done, total))):
        clean_corpus(src=str(SEEDS), out=str(tmp_path / "clean"), batch_size=2)
    assert seen == [(stage, done, total) for stage in (CORPUS_PASS, CLEANING) for done in range(1, total + 1)]


def test_a_terminal_gets_a_progress_bar_and_a_pipe_plain_lines():
    import io

    from flows.progress import CORPUS_PASS, console_progress, report

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    pipe, terminal = io.StringIO(), Terminal()
    for stream in (pipe, terminal):
        with console_progress(stream):
            report(1, 2, CORPUS_PASS)
            report(2, 2, CORPUS_PASS)
            report(1, 2)
            report(2, 2)
    assert pipe.getvalue() == (
        "presswash: 1/2 batches read (corpus pass)\npresswash: 2/2 batches read (corpus pass)\n"
        "presswash: 1/2 batches cleaned\npresswash: 2/2 batches cleaned\n"
    )
    drawn = terminal.getvalue()
    assert "2/2" in drawn and "batches read (corpus pass)" in drawn and "batches cleaned" in drawn
    assert "presswash:" not in drawn
