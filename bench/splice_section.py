"""Replaces (or appends) one `## ` section of a markdown file with another file's text.

`make bench-labelled` keeps its section of bench/RESULTS.md this way, so that `make bench`
and `make bench-labelled`, run at different times, each own their part of one file.
"""
import sys
from pathlib import Path


def splice(document: str, heading: str, body: str) -> str:
    lines = document.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip("\n") == heading), None)
    section = heading + "\n\n" + body.strip("\n") + "\n"
    if start is None:
        return document.rstrip("\n") + "\n\n" + section
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "".join(lines[:start]) + section + ("\n" + "".join(lines[end:]) if end < len(lines) else "")


def main() -> int:
    if len(sys.argv) != 4:
        print("usage: splice_section.py DOCUMENT '## HEADING' BODY_FILE", file=sys.stderr)
        return 64
    document, heading, body = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    try:
        text = splice(document.read_text(encoding="utf-8"), heading, body.read_text(encoding="utf-8"))
        document.write_text(text, encoding="utf-8")
    except OSError as error:
        print(f"splice_section.py: {error}", file=sys.stderr)
        return 74
    return 0


if __name__ == "__main__":
    assert splice("# t\n\n## a\nx\n\n## b\ny\n", "## a", "z") == "# t\n\n## a\n\nz\n\n## b\ny\n"
    assert splice("# t\n", "## a", "z") == "# t\n\n## a\n\nz\n"
    sys.exit(main())
