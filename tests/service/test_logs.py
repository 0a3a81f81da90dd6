"""service.logs: one line per event, key=value or JSON, the record's fields as keys."""

from __future__ import annotations

import json
import logging

from monitor.service.logs import JsonFormatter, KeyValueFormatter


def record(message: str, **fields: object) -> logging.LogRecord:
    made = logging.LogRecord("monitor.jobs.poll", logging.INFO, __file__, 1, message, (), None)
    if fields:
        made.fields = fields
    made.created = 1_780_000_000.0
    return made


def test_key_value_lines_quote_only_what_needs_it() -> None:
    line = KeyValueFormatter().format(
        record("feed Cuba Debate: ok", event="feed", feed="Cuba Debate", status="ok", new=3)
    )
    assert line == (
        'time=2026-05-28T20:26:40Z level=info event=feed feed="Cuba Debate" status=ok new=3 '
        'msg="feed Cuba Debate: ok"'
    )
    plain = KeyValueFormatter().format(record('said "hi"\nthen left'))
    assert plain.endswith('event=log logger=monitor.jobs.poll msg="said \\"hi\\"\\nthen left"')
    assert "\n" not in plain


def test_json_lines_carry_the_fields() -> None:
    line = json.loads(JsonFormatter().format(record("digest sent", event="digest", items=5)))
    assert line == {
        "time": "2026-05-28T20:26:40Z", "level": "info", "logger": "monitor.jobs.poll",
        "msg": "digest sent", "event": "digest", "items": 5,
    }  # fmt: skip
