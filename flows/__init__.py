"""Prefect flows: each composes coarse, cached tasks around muse_core stages.

Tasks receive the database path and small JSON-able values, never a DuckDB connection; each
opens its own Store. Fine-grained concurrency (model calls, downloads) is asyncio inside a task.
"""
