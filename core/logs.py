"""Log records carry the request id, and never a full ID number.

The id ties a user's error answer (§5 body and X-Request-ID header) to the log line of the
exception. The masking filter is a second line of defence behind keeping ID numbers out of
URLs: whatever a message, its arguments or a traceback hold, an 18-character ID pattern is
written masked as everywhere else in the platform.
"""

from __future__ import annotations

import logging
import re
from contextvars import ContextVar

from core import idnumber

request_id: ContextVar[str] = ContextVar("request_id", default="-")

# 17 digits and a digit or X, not part of a longer run of letters and digits (hashes, tokens).
_ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def mask_id_numbers(text: str) -> str:
    return _ID_PATTERN.sub(lambda m: idnumber.mask(m.group(0)), text)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class MaskIdNumbersFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_id_numbers(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_id_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_id_numbers(record.stack_info)
        return True
