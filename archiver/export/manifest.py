"""The manifest of an export: what it holds and how it was made, so it can be cited."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from archiver.export.writers import atomic_output
from archiver.store import Filters, utc_now


def manifest_path(export_path: Path) -> Path:
    """Where the manifest of the export at ``export_path`` goes: ``FILE.manifest.json``."""
    return export_path.with_name(export_path.name + ".manifest.json")


def write_manifest(
    export_path: Path,
    *,
    db: Path,
    fmt: str,
    fields: tuple[str, ...],
    filters: Filters,
    count: int,
    query: str | None = None,
) -> Path:
    """Write ``<export>.manifest.json`` beside an export, so the dataset can be cited and checked.

    It names the command, the filters, the record count, the time, the tool's version and the
    sha256 and size of the export file.
    """
    import hashlib  # here: OpenSSL's loading is 5 ms of every export's start-up

    from archiver import __version__

    digest = hashlib.sha256()
    with export_path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    manifest = {
        "file": export_path.name,
        "sha256": digest.hexdigest(),
        "bytes": export_path.stat().st_size,
        "records": count,
        "format": fmt,
        "fields": list(fields),
        "filters": {
            **{
                name: value
                for name, value in asdict(filters).items()
                if name != "extra" and value not in (None, (), "include")
            },
            **({"query": query} if query is not None else {}),
        },
        "archive": str(db),
        "command": " ".join(["archiver", *sys.argv[1:]]),
        "created_at": utc_now(),
        "tool": "edu-news-archiver",
        "tool_version": __version__,
    }
    path = manifest_path(export_path)
    with atomic_output(path) as f:
        f.write(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return path
