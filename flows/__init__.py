"""Prefect flows, tasks and the command line of presswash (all I/O lives here)."""
