"""Keep API keys out of the database, the logs and exports.

Keys live only in the environment. Any text that may quote one (a provider's error message,
a log line) passes through `redact` before it is written anywhere.
"""

from __future__ import annotations

import logging
import os
import re

SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL)", re.IGNORECASE)
MIN_SECRET_LENGTH = 8  # shorter values are too likely to occur by chance ("true", "1")
REDACTED = "[REDACTED]"


def secret_values() -> list[str]:
    """Values of environment variables whose names look like credentials, longest first."""
    values = {
        value
        for name, value in os.environ.items()
        if SECRET_NAME.search(name) and len(value) >= MIN_SECRET_LENGTH
    }
    return sorted(values, key=len, reverse=True)


def redact(text: str, values: list[str] | None = None) -> str:
    """Replace every credential value found in the environment (or `values`, read from it
    earlier: reading the environment costs more than the replacing), and bearer tokens, in `text`."""
    for value in secret_values() if values is None else values:
        text = text.replace(value, REDACTED)
    return re.sub(r"(?i)(bearer\s+)[A-Za-z0-9._\-]{8,}", r"\1" + REDACTED, text)


class RedactingFilter(logging.Filter):
    """Logging filter that redacts the rendered message of every record it sees."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


# Loggers of muse and of the libraries that see requests and raw provider errors. A filter on a
# logger rewrites its records before any handler (console, file, pytest's caplog) formats them.
GUARDED_LOGGERS = ("muse", "LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "openai", "anthropic", "httpx", "httpcore")


def guard_loggers(names: tuple[str, ...] = GUARDED_LOGGERS) -> None:
    """Attach a RedactingFilter to each named logger (once)."""
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())
