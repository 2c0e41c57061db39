"""edu-news-archiver: a durable, queryable archive of university news and the briefs it cites."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # ``__version__``, read from the installed package's metadata when first asked for:
    # importlib.metadata parses it with the email package, a tenth of a command's start-up
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("edu-news-archiver")
    except PackageNotFoundError:  # running from a source tree that is not installed
        value = "0.0.0+unknown"
    globals()["__version__"] = value
    return value
