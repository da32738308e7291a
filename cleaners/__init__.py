"""Pure text cleaners: text in, edits out. No I/O, no Prefect.

`cleaners.pipeline` lists the steps and runs the chain; `cleaners.edits` holds
the edit record and `restore_text`, which undoes a changelog.
"""
