"""Run the conversation stages on a database, printing a line per committed conversation, so a
test can SIGKILL this process part-way through. Usage: python -m tests.conversation_worker DB N [API_BASE]
(API_BASE: play every role through a muse offline server over HTTP)."""

from __future__ import annotations

import sys
from pathlib import Path

from muse_core import batch
from muse_core.progress import Progress
from tests.helpers import over_http, run_conversation_stages


class PrintingProgress(Progress):
    def __init__(self) -> None:
        super().__init__(None)

    def advance(self, amount: int = 1) -> None:
        if amount:
            print("committed", amount, flush=True)


if __name__ == "__main__":
    # commit each group of finished conversations soon (not after 0.2 s): 12 offline conversations
    # can all finish within 0.2 s, and a test must be able to kill this process between commits
    batch.WAIT_S = 0.005
    overrides = over_http(sys.argv[3]) if len(sys.argv) > 3 else {}
    run_conversation_stages(Path(sys.argv[1]), int(sys.argv[2]), PrintingProgress(), **overrides)
