"""edu-news-archiver: a durable, queryable archive of university news and the briefs it cites."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("edu-news-archiver")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"
