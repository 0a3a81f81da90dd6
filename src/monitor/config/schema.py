"""The shape of monitor.yaml and feeds.yaml: every key, its default and its check.

The only module importing pydantic. These frozen models are the single source of the
defaults; docs/config.md documents every field and tests/test_docs.py keeps them in step.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import typing
from datetime import timedelta
from email.errors import NonASCIILocalPartDefect
from email.policy import default as email_policy
from email.utils import getaddresses, quote
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from monitor import __version__
from monitor.config.paths import Loc
from monitor.matching.model import MIN_SCORE, Salience, Scoring
from monitor.text.languages import language_code
from monitor.text.urls import feed_location
from monitor.types import Field as FieldName

#: A part of a duration: a number and its unit ("1h30m" and "1 hour 30 minutes" have two).
_DURATION_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", re.IGNORECASE)
_DURATION_UNITS = {
    **dict.fromkeys(("ms", "msec", "millisecond", "milliseconds"), 0.001),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600),
    **dict.fromkeys(("d", "day", "days"), 86400),
    **dict.fromkeys(("w", "week", "weeks"), 604800),
}
#: Durations longer than this (a century) are refused, whatever they are for.
_LONGEST = timedelta(days=36_500)
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "kib": 2**10, "mib": 2**20}
_SIZE_UNITS["gib"] = 2**30
#: A time of day, its hour in one digit or two ("7:30" is as much a time as "07:30").
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(:[0-5]\d)?$")


def parse_duration(value: Any) -> timedelta:
    """``90`` (seconds) or ``"90s"``, ``"30m"``, ``"6h"``, ``"1d"``, ``"500ms"``, and
    the ways people write them: ``"1h30m"``, ``"90 min"``, ``"2 hours"`` → timedelta."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError("expected a duration such as 30s, 20m, 6h or 1d")
    parts = _duration_parts(str(value))
    units = [unit for _, unit in parts]
    bare = units == [""]  # a number alone is seconds; among several, each needs its unit
    if not parts or not (bare or all(unit in _DURATION_UNITS for unit in units)):
        raise ValueError(f"{value!r} is not a duration such as 30s, 20m, 6h or 1d")
    seconds = sum(float(n) * _DURATION_UNITS.get(unit, 1) for n, unit in parts)
    if seconds > _LONGEST.total_seconds():
        # Added to or taken from today's date, a longer one leaves the calendar.
        raise ValueError(f"{value!r} is longer than the longest duration, {_LONGEST.days}d")
    return timedelta(seconds=seconds)


def _duration_parts(text: str) -> list[tuple[str, str]]:
    """(number, unit in lower case) for each part, or [] unless the parts are all of it."""
    parts, end = [], 0
    for found in _DURATION_PART.finditer(text):
        if found.start() != end:
            return []
        parts.append((found[1], found[2].lower()))
        end = found.end()
    return parts if end == len(text) else []


def parse_size(value: Any) -> int:
    """``1048576`` or ``"10MB"`` (10**6), ``"512KiB"`` (2**10) → bytes."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError("expected a size such as 500KB or 10MB")
    match = _SIZE.match(str(value))
    if not match:
        raise ValueError(f"{value!r} is not a size such as 500KB or 10MB")
    return int(float(match[1]) * _SIZE_UNITS[(match[2] or "b").lower()])


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
Size = Annotated[int, BeforeValidator(parse_size), Field(gt=0)]
Count = Annotated[int, Field(ge=1, le=1024)]


def _text(value: Any) -> Any:
    """Text must be text; YAML reads ``1962``, ``3.5``, ``2021-04-19``,
    ``true`` and an empty item as a number, a date, a boolean or nothing."""
    if value is None:
        raise ValueError("empty: write the text, or remove the line")
    kind = (
        "a boolean" if isinstance(value, bool)
        else "a number" if isinstance(value, int | float)
        else "a date" if isinstance(value, dt.date)
        else None
    )  # fmt: skip
    if kind is None:
        return value
    written = str(value).lower() if isinstance(value, bool) else str(value)
    raise ValueError(f'{written} is read by YAML as {kind}, not as text: quote it ("{written}")')


#: Text a person writes in YAML, said plainly when YAML read it as something else.
Text = Annotated[str, BeforeValidator(_text)]


def _language(value: Any) -> Any:
    """A language as its code: "es", "ES", "es-CU", "es_CU", "es-419" and "spa" are "es"."""
    code = language_code(value) if isinstance(value, str) else None
    if code is None:
        raise ValueError(f"{value!r} is not a language code such as en or es")
    return code


def _listed(value: Any) -> Any:
    """A list written as its one item: ``tags: cuba`` is ``tags: [cuba]``."""
    scalar = isinstance(value, str | int | float | dt.date)
    return [value] if scalar else value


#: A list that may be written as its one item.
Listed = BeforeValidator(_listed)
#: A list of mappings that may be written as its one item, a mapping or a string.
ListedMappings = BeforeValidator(
    lambda value: [value] if isinstance(value, dict) else _listed(value)
)


def _addresses(value: Any) -> Any:
    """Recipients as one address, or several as a mail header writes them
    (``ana@example.org, Bob <bob@example.org>``), or a list."""
    if not isinstance(value, str):
        return value
    found = getaddresses([value])
    if len(found) < 2 or not all(address for _, address in found):
        return [value]  # one address, or what its own check then says is none
    return [f'"{quote(name)}" <{address}>' if name else address for name, address in found]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class PollSettings(_Model):
    interval: Duration = timedelta(minutes=30)
    jitter: Duration = timedelta(minutes=2)
    max_backoff: Duration = timedelta(hours=6)
    #: Corrected entries re-fetched per feed per cycle; the rest wait for later cycles.
    corrections_per_feed: int = Field(default=5, ge=0, le=100)

    @field_validator("interval")
    @classmethod
    def _positive(cls, v: timedelta) -> timedelta:
        if v < timedelta(seconds=1):
            raise ValueError("must be at least 1s")
        return v


class FetchSettings(_Model):
    timeout: Duration = timedelta(seconds=20)
    max_bytes: Size = 10_000_000
    feed_max_bytes: Size = 5_000_000
    concurrency: Count = 64
    per_host: Count = 2
    user_agent: str = Field(
        default=f"cuba-monitor/{__version__} (self-hosted US-Cuba news monitor; +feeds only)",
        min_length=1,
    )
    allow_private_addresses: bool = False

    @field_validator("timeout")
    @classmethod
    def _timeout(cls, v: timedelta) -> timedelta:
        if v <= timedelta(0):
            raise ValueError("must be positive")
        return v


class ExtractSettings(_Model):
    workers: Annotated[int, Field(ge=0, le=64)] = 0
    timeout: Duration = timedelta(seconds=30)
    max_tasks_per_child: Count = 200


class DigestSettings(_Model):
    time: Text = "07:00"
    timezone: str = "America/New_York"
    to: Annotated[tuple[str, ...], Field(min_length=1), BeforeValidator(_addresses)] = (
        "reader@example.org",
    )
    from_: str = Field(default="monitor@example.org", alias="from")
    subject: str = "US–Cuba digest {date}: {count} stories"
    send_empty: bool = False
    since: Duration = timedelta(days=7)
    max_items: Count = 200

    @field_validator("time")
    @classmethod
    def _time(cls, v: str) -> str:
        found = _TIME.match(v.strip())
        if not found:
            raise ValueError(f"{v!r} is not a time of day such as 07:00 (or 07:00:30)")
        return f"{int(found[1]):02d}:{found[2]}{found[3] or ''}"

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(f"unknown time zone {v!r}") from e
        return v

    @field_validator("to")
    @classmethod
    def _recipients(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for address in v:
            _check_address(address)
        return v

    @field_validator("from_")
    @classmethod
    def _sender(cls, v: str) -> str:
        return _check_address(v)


def _check_address(address: str) -> str:
    """One address, bare or with a name as mail clients copy it ("Ana Pérez
    <ana@example.org>"), read as the mail headers will read it."""
    header = email_policy.header_factory("to", address)
    # Accents in the local part are taken: servers that offer SMTPUTF8 deliver them.
    defects = [d for d in header.defects if not isinstance(d, NonASCIILocalPartDefect)]
    found = header.addresses
    local, _, domain = found[0].addr_spec.rpartition("@") if len(found) == 1 else ("", "", "")
    if defects or not local or not domain or any(c in address for c in "\r\n"):
        raise ValueError(f"{address!r} is not an email address")
    return address


class SmtpSettings(_Model):
    host: str = "localhost"
    port: Annotated[int, Field(ge=1, le=65535)] = 1025
    starttls: bool = False
    ssl: bool = False
    username: str | None = None
    password_env: str = "MONITOR_SMTP_PASSWORD"
    timeout: Duration = timedelta(seconds=30)


class EmailSettings(_Model):
    transport: Literal["file", "smtp"] = "file"
    directory: str = "data/digests"
    smtp: SmtpSettings = SmtpSettings()


class AtomSettings(_Model):
    enabled: bool = True
    directory: str = "data/feeds"
    since: Duration = timedelta(days=7)
    max_entries: Annotated[int, Field(ge=1, le=10_000)] = 100


class AlertsSettings(_Model):
    enabled: bool = True
    since: Duration = timedelta(hours=6)
    max_attempts: Annotated[int, Field(ge=1, le=100)] = 6
    backoff: Duration = timedelta(minutes=2)
    timeout: Duration = timedelta(seconds=20)
    max_per_cycle: Annotated[int, Field(ge=1, le=10_000)] = 50


class Settings(_Model):
    """Everything in monitor.yaml."""

    database: str = "data/monitor.db"
    poll: PollSettings = PollSettings()
    fetch: FetchSettings = FetchSettings()
    extract: ExtractSettings = ExtractSettings()
    digest: DigestSettings = DigestSettings()
    email: EmailSettings = EmailSettings()
    atom: AtomSettings = AtomSettings()
    alerts: AlertsSettings = AlertsSettings()


class FeedModel(_Model):
    """One item of the ``feeds:`` list in feeds.yaml."""

    name: Annotated[Text, Field(min_length=1, max_length=200)]
    url: Text
    language: Annotated[str, BeforeValidator(_language)] | None = None
    interval: Duration | None = None
    tags: Annotated[tuple[Text, ...], Listed] = ()
    fulltext: bool = True

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if v != v.strip() or any(c in v for c in "\r\n\t"):
            raise ValueError("must not start or end with spaces or hold line breaks")
        return v

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        # Spaces around a pasted URL are never part of it (feed readers drop them too),
        # and a subscribe link's feed: scheme stands for http(s).
        v = feed_location(v)
        if not re.match(r"^https?://[^\s/?#]+[^\s]*$", v, re.IGNORECASE):
            raise ValueError(f"{v!r} is not an http(s) URL")
        return v

    @field_validator("interval")
    @classmethod
    def _interval(cls, v: timedelta | None) -> timedelta | None:
        if v is not None and v < timedelta(seconds=1):
            raise ValueError("must be at least 1s")
        return v


_WILDCARD_MIDDLE = re.compile(r"\*(?!$)")


def _check_pattern(value: str) -> str:
    """A term, alias or exclusion: words, optionally ending in * (prefix match)."""
    if not value.strip():
        raise ValueError("empty term")
    if _WILDCARD_MIDDLE.search(value):
        raise ValueError(f"{value!r}: * may only end a term (prefix match)")
    if not any(c.isalnum() for c in value):
        raise ValueError(f"{value!r} has no letters or digits to match")
    if value.endswith("*") and not value[:-1].strip()[-1:].isalnum():
        raise ValueError(f"{value!r}: * must follow a letter or digit")
    return value.strip()


def _wrap(key: str) -> Any:
    """Let a bare string stand for a mapping with one key: "Cuba" → {term: Cuba}."""

    def wrap(value: Any) -> Any:
        # A number, a date or an empty item too: the key's own check then says why.
        scalar = value is None or isinstance(value, str | int | float | dt.date)
        return {key: value} if scalar else value

    return BeforeValidator(wrap)


Pattern = Annotated[Text, AfterValidator(_check_pattern)]
Case = Literal["sensitive", "insensitive"]
Weight = Annotated[float, Field(gt=0, le=100)]


LanguageCode = Annotated[str, BeforeValidator(_language)]
#: Phrases where a word does not mean the term: a list, or lists by language code.
Senses = Annotated[list[Pattern] | dict[LanguageCode, Annotated[list[Pattern], Listed]], Listed]


class TermModel(_Model):
    term: Pattern
    aliases: Annotated[list[Pattern], Listed] = []
    weight: Weight | None = None
    case: Case | None = None
    fields: Annotated[list[FieldName], Listed] | None = None
    not_: Senses = Field(default=[], alias="not")
    languages: Annotated[list[LanguageCode], Listed] | None = None
    context: bool | None = None
    #: The term counts in news of these dates only (a name that was one person's while
    #: in office: "Castro" until 2021).
    since: dt.date | None = None
    until: dt.date | None = None


class GroupModel(_Model):
    terms: Annotated[list[Annotated[TermModel, _wrap("term")]], Field(min_length=1)]
    weight: Weight = 1.0
    case: Case = "insensitive"
    fields: Annotated[list[FieldName], Listed] = ["title", "body"]
    languages: Annotated[list[LanguageCode], Listed] = []
    context: bool = True


def _group_list(value: Any) -> Any:
    """A group written as its terms, or as its one term (``us: United States``)."""
    return {"terms": _listed(value)} if isinstance(value, list | str) else value


class RuleModel(_Model):
    """One node of a rule: a group reference, or all / any / none of other nodes."""

    group: str | None = None
    min_score: Annotated[float, Field(ge=0)] = 0.0
    all: list[Annotated[RuleModel, _wrap("group")]] | None = None
    any: list[Annotated[RuleModel, _wrap("group")]] | None = None
    none: list[Annotated[RuleModel, _wrap("group")]] | None = None
    within: str | int | None = None
    where: Literal["anywhere", "title", "lead"] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> RuleModel:
        kinds = [k for k in ("group", "all", "any", "none") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("a rule is one of: a group name, all: [...], any: [...], none: [...]")
        if self.within is not None and kinds != ["all"]:
            raise ValueError("within: goes with all: [...]")
        if (self.min_score or self.where) and kinds != ["group"]:
            raise ValueError("min_score: and where: go with group:")
        return self


class ExclusionModel(_Model):
    phrase: Pattern
    case: Case = "insensitive"
    scope: Literal["mention", "document"] = "mention"
    groups: Annotated[list[str], Listed] = []


class ExampleModel(_Model):
    title: str
    text: str = ""
    language: LanguageCode | None = None
    #: When the example was published, for terms of some dates only.
    date: dt.date | None = None


Example = Annotated[ExampleModel, _wrap("title")]


class ExamplesModel(_Model):
    match: Annotated[list[Example], ListedMappings] = []
    no_match: Annotated[list[Example], ListedMappings] = []


# The defaults are the records' own (matching.model): one home for each.
_SCORING, _SALIENCE = Scoring(), Salience()


class ScoringModel(_Model):
    title: Annotated[float, Field(ge=0)] = _SCORING.title
    body: Annotated[float, Field(ge=0)] = _SCORING.body
    max_repeats: Count = _SCORING.max_repeats


class SalienceModel(_Model):
    lead_words: Annotated[int, Field(ge=1, le=10_000)] = _SALIENCE.lead_words
    short_text: Annotated[int, Field(ge=0, le=100_000)] = _SALIENCE.short_text
    repeat: Annotated[int, Field(ge=1, le=100)] = _SALIENCE.repeat
    words_per_repeat: Annotated[int, Field(ge=1, le=1_000_000)] = _SALIENCE.words_per_repeat


Groups = dict[str, Annotated[GroupModel, BeforeValidator(_group_list)]]
Exclusions = list[Annotated[ExclusionModel, _wrap("phrase")]]


_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def _check_channel(value: str) -> str:
    """An environment variable's name (its value is the URL) or an Apprise URL with no
    password in it: secrets stay out of the file."""
    if _ENV_NAME.match(value):
        return value
    if not _URL.match(value):
        raise ValueError(
            f"{value!r} is neither an Apprise URL (ntfy://…, json://…) nor the name of an "
            "environment variable holding one (MONITOR_ALERT_URL)"
        )
    userinfo = value.split("://", 1)[1].split("/", 1)[0].rpartition("@")[0]
    if ":" in userinfo:
        raise ValueError(
            f"{value.split('://')[0]}://… holds a password: put the URL in an environment "
            "variable and name the variable here"
        )
    return value


Channel = Annotated[str, AfterValidator(_check_channel)]


class AlertModel(_Model):
    #: The hit's score that sends an alert; default: the watchlist's min_score.
    min_score: Annotated[float, Field(ge=0)] | None = None
    to: Annotated[list[Channel], Field(min_length=1), Listed]


class WatchlistModel(_Model):
    """One config/watchlists/NAME.yaml."""

    title: str | None = None
    description: str = ""
    tags: Annotated[list[str], Listed] = []
    min_score: Annotated[float, Field(ge=0)] = MIN_SCORE
    scoring: ScoringModel = ScoringModel()
    salience: SalienceModel = SalienceModel()
    groups: Groups = {}
    match: Annotated[RuleModel, _wrap("group")]
    exclude: Exclusions = []
    examples: ExamplesModel = ExamplesModel()
    alert: AlertModel | None = None


class CommonModel(_Model):
    """A shared file of config/watchlists/ (_common.yaml, _actors.yaml…): groups any
    watchlist may use, exclusions for all."""

    groups: Groups = {}
    exclude: Exclusions = []


class FeedsFile(_Model):
    """feeds.yaml: items are checked one by one so one bad feed does not hide the rest."""

    feeds: list[Any] = []


class Invalid(Exception):
    """Validation failed; ``errors`` holds (key path, message) pairs users can read."""

    def __init__(self, errors: list[tuple[Loc, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(message for _, message in errors))


Parsed = TypeVar("Parsed", bound=BaseModel)


def validate(model: type[Parsed], data: Any) -> Parsed:
    """``data`` as ``model``, or Invalid listing every problem (pydantic's error, translated)."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise Invalid(_errors_of(e, model)) from e


def _errors_of(error: ValidationError, model: type[BaseModel]) -> list[tuple[Loc, str]]:
    found = []
    for item in error.errors(include_url=False):
        loc = tuple(k for k in item["loc"] if not _is_internal(k))
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown key" + _did_you_mean(str(loc[-1]) if loc else "", model)
        found.append((loc, message.removeprefix("Value error, ")))
    return found


def _did_you_mean(key: str, model: type[BaseModel]) -> str:
    """A key of the file's keys that ``key`` looks like a slip of ("intervl")."""
    close = difflib.get_close_matches(key, _keys(model), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


@functools.cache
def _keys(model: type[BaseModel]) -> tuple[str, ...]:
    """Every key a file read as ``model`` may hold, at any depth (rules nest rules)."""
    found: set[str] = set()
    seen: set[type[BaseModel]] = set()
    todo = [model]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            for name, field in current.model_fields.items():
                found.add(field.alias or name)
                todo.extend(_models_in(field.annotation))
    return tuple(sorted(found))


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation holds (in a list, a mapping, an optional, an Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _is_internal(key: str | int) -> bool:
    # pydantic adds validator names such as "function-before[...]" to locations.
    return isinstance(key, str) and ("[" in key or key.startswith("function-"))
