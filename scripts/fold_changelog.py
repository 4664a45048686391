"""Fold the changelog fragments in ``changelog.d/`` into ``CHANGELOG.md``'s Unreleased section.

Each fragment is Keep-a-Changelog Markdown with ``### Added`` / ``### Changed`` /
``### Fixed`` / ``### Removed`` / ``### Deprecated`` / ``### Security`` headings. Their
entries are appended under the same headings of ``## [Unreleased]`` (created if
missing), in fragment-name order, and the fragments are deleted.

    python scripts/fold_changelog.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORDER = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")
_HEADING = re.compile(r"^### (\w+)\s*$")


def sections(text: str, where: str) -> dict[str, list[str]]:
    """Return heading -> its entry lines (blank lines between entries dropped)."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        m = _HEADING.match(line)
        if m:
            if m.group(1) not in ORDER:
                sys.exit(f"{where}:{number}: unknown heading {m.group(1)!r}; use one of {ORDER}")
            current = found.setdefault(m.group(1), [])
        elif line.strip() and current is None:
            sys.exit(f"{where}:{number}: text before the first '### ' heading")
        elif line.strip():
            assert current is not None
            current.append(line)
    return found


def main() -> int:
    fragments = sorted((ROOT / "changelog.d").glob("*.md"))
    if not fragments:
        print("no fragments")
        return 0
    merged: dict[str, list[str]] = {}
    for path in fragments:
        for heading, lines in sections(path.read_text("utf-8"), str(path)).items():
            merged.setdefault(heading, []).extend(lines)
    changelog = ROOT / "CHANGELOG.md"
    text = changelog.read_text("utf-8")
    head, marker, rest = text.partition("## [Unreleased]\n")
    if not marker:
        sys.exit("CHANGELOG.md has no '## [Unreleased]' section")
    body, nxt, tail = rest.partition("\n## [")
    existing = sections(body, "CHANGELOG.md [Unreleased]")
    for heading, lines in merged.items():
        existing.setdefault(heading, []).extend(lines)
    out = [head, marker]
    for heading in ORDER:
        if heading in existing:
            out.append(f"\n### {heading}\n\n")
            out.append("\n".join(existing[heading]) + "\n")
    changelog.write_text("".join(out) + (nxt + tail if nxt else ""), "utf-8")
    for path in fragments:
        path.unlink()
    print(f"folded {len(fragments)} fragments")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
