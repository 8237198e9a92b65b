"""Human evaluation studies (paper Figure 5, Tables 7 and 9): the `muse study` commands
(command.py; the work is in muse_core/studies.py, study_results.py and study_llm.py)."""

from __future__ import annotations

from muse_core.hookspecs import hookimpl


@hookimpl
def muse_commands(app) -> None:
    from muse_plugins.study.command import register

    register(app)
