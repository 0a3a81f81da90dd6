"""The language of a text, by py3langid's model, loaded from a cache after the first time.

The only module importing py3langid. Its model ships compressed with xz, and
decompressing it is most of a cold poll's start-up: 0.43 s of the 0.46 s the model
takes to load, in the extraction forkserver, before any worker can take a page. So the
loaded model is kept in the user's cache (``cache_dir``) as a pickle, 65 MB that load
in 0.07 s: every later ``monitor poll`` has its workers ready that much sooner. The
file is named by py3langid's version, Python's, and its model file's size and time, so
an upgrade builds a new one; a cache that cannot be written or read costs nothing but
that time.

A pickle runs code when loaded, so one is read only from a file and directory that
belong to this user and that no one else may write.
"""

from __future__ import annotations

import logging
import os
import pickle
import stat
import sys
import tempfile
from functools import cache
from pathlib import Path

from py3langid import __version__ as py3langid_version
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

__all__ = ["cache_dir", "detect_language", "from_package", "identifier"]

log = logging.getLogger(__name__)

#: The language is told from the start of the text: 600 characters are a paragraph or
#: two, enough for the classifier, and its cost grows with the length.
_LANGUAGE_SAMPLE = 600


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``, or None when there is too little to tell."""
    sample = text[:_LANGUAGE_SAMPLE]
    if len(sample.split()) < 3:
        return None
    language, _score = identifier().classify(sample)
    return str(language)


def cache_dir() -> Path | None:
    """``$MONITOR_CACHE``, else ``$XDG_CACHE_HOME/monitor``, else ``~/.cache/monitor``;
    None for a user with no home (a container run under a uid it does not know)."""
    if explicit := os.environ.get("MONITOR_CACHE"):
        return Path(explicit)
    try:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    except RuntimeError:  # "Could not determine home directory"
        return None
    return Path(base) / "monitor"


@cache
def identifier() -> LanguageIdentifier:
    """py3langid's model: from the cache when it holds this version's, else from the
    package (and then written to the cache for the next process)."""
    model = MODEL_DIR / MODEL_FILE
    facts = model.stat()
    # An install or upgrade of the package (a new venv, too) gives the model file a new
    # time, so a model pickled by another numpy or Python is never read.
    python = "".join(map(str, sys.version_info[:2]))
    name = f"langid-{py3langid_version}-py{python}-{facts.st_size}-{facts.st_mtime_ns}.pickle"
    where = _private_dir(cache_dir())
    if where is None:
        return from_package()
    if (cached := _read(where / name)) is not None:
        return cached
    loaded = from_package()
    _write(where / name, loaded)
    return loaded


def from_package() -> LanguageIdentifier:
    """py3langid's model as the package ships it (xz-compressed: 0.46 s)."""
    return LanguageIdentifier.from_model_file(MODEL_FILE)


def _private_dir(where: Path | None) -> Path | None:
    """``where``, made if missing; None when it cannot be, or when others may write in it
    (``/tmp``): a file read from there might not be the one written."""
    if where is None:
        return None
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        facts = where.stat()
    except OSError as e:
        log.info("language model not cached: %s", e)
        return None
    if not _private(facts):
        log.info("language model not cached in %s: others may write there", where)
        return None
    return where


def _read(path: Path) -> LanguageIdentifier | None:
    try:
        with path.open("rb") as f:
            if not _private(os.fstat(f.fileno())):
                log.info("language model cache %s is writable by others: not read", path)
                return None
            loaded = pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception as e:  # a damaged or foreign file: the package's model instead
        log.info("language model cache %s not read: %s", path, e)
        return None
    return loaded if isinstance(loaded, LanguageIdentifier) else None


def _private(facts: os.stat_result) -> bool:
    return facts.st_uid == os.getuid() and not facts.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _write(path: Path, loaded: LanguageIdentifier) -> None:
    """Write atomically (a process reading it meanwhile sees the whole file or none);
    other versions' files are removed, so upgrades do not pile them up."""
    written = None
    try:
        for old in path.parent.glob("langid-*.pickle"):
            old.unlink(missing_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".langid-", delete=False) as f:
            written = Path(f.name)
            pickle.dump(loaded, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(written, path)
    except OSError as e:
        log.info("language model not cached in %s: %s", path.parent, e)
        if written is not None:
            written.unlink(missing_ok=True)
