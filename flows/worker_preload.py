"""What the process pool's worker server loads once for all its workers
(`flows.worker_server`): Prefect's task engine and runner, the flow and, with
it, every cleaner. A task is sent to a worker as a reference to
`flows.clean_corpus`, so a worker would import all of this before its first
task.

Loaded with the garbage collector paused, then frozen
(`flows.collector.loading_what_lives`): the workers are forks of this
process, and the frozen objects stay out of their collections too.
Imported by the worker server only.
"""

from flows.collector import loading_what_lives

with loading_what_lives():
    import prefect.task_engine  # noqa: F401  (runs each task in the worker)
    import prefect.task_runners  # noqa: F401  (the worker's initializer and task wrapper)

    import flows.clean_corpus  # noqa: F401  (the tasks, and through them the cleaners)
    import flows.runners  # noqa: F401  (presswash's worker initializer)
