"""Loading the site profiles for a command: the shipped ones and the archivist's own."""

from __future__ import annotations

from pathlib import Path

from archiver import config
from archiver.cli.errors import UserError
from archiver.sites import ProfileError, SiteProfile, load_profiles


def site_profiles(db: Path, sites_dir: Path | None = None) -> dict[str, SiteProfile]:
    """The profiles for the archive ``db``: ``sites_dir``, else ``$ARCHIVER_SITES_DIR``, else
    ``sites/`` beside ``db``, over the shipped ones. A bad profile file is one line, exit 2."""
    try:
        return load_profiles(config.sites_dir(db, sites_dir))
    except ProfileError as exc:
        raise UserError(str(exc)) from None
