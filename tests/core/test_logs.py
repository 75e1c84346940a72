"""No full ID number in any log line; every line names its request."""

import logging

import pytest
from django.conf import settings

from core import idnumber
from core.logs import MaskIdNumbersFilter, RequestIdFilter

NUMBER = idnumber.complete("41120219880612002")


@pytest.fixture
def masked(caplog):
    caplog.handler.addFilter(MaskIdNumbersFilter())
    caplog.set_level(logging.INFO)
    return caplog


def test_every_configured_handler_masks_id_numbers_and_stamps_the_request_id():
    configured = settings.LOGGING["handlers"]
    assert configured
    for name in configured:
        kinds = {type(f) for f in logging._handlers[name].filters}
        assert {MaskIdNumbersFilter, RequestIdFilter} <= kinds, name
    ours = {logging._handlers[name] for name in configured}
    for logger in ("", "django", "django.server", "django.request", "celery"):
        for handler in _handlers(logger):
            if type(handler).__module__.startswith("_pytest") or isinstance(handler, logging.NullHandler):
                continue  # pytest's capture for the test run; a handler that writes nothing
            assert handler in ours, (logger, handler)


def _handlers(name):
    logger = logging.getLogger(name)
    while logger is not None:
        yield from logger.handlers
        logger = logger.parent if logger.propagate else None


def test_id_numbers_in_messages_arguments_and_tracebacks_are_masked(masked):
    log = logging.getLogger("tests.logs")
    log.info("search for %s by %s", NUMBER, {"q": NUMBER.lower()})
    log.warning(f"GET /bureau/people/?q={NUMBER} 200")
    try:
        raise ValueError(f"bad number {NUMBER}")
    except ValueError:
        log.exception("failed")
    text = masked.text
    assert NUMBER not in text and NUMBER.lower() not in text
    assert text.count(idnumber.mask(NUMBER)) >= 3 and "ValueError" in text


def test_longer_runs_of_digits_and_hashes_are_left_alone(masked):
    token = "a" + "1" * 40
    logging.getLogger("tests.logs").info("hash %s and 20 digits %s", token, "1" * 20)
    assert token in masked.text and "1" * 20 in masked.text
