#!/usr/bin/env python3
"""put-section.py FILE HEADING [--first] < SECTION: replaces the markdown
section that starts with `## HEADING` (up to the next `## `) in FILE with
stdin, or adds it (at the end, or right after the title with --first);
every other section is kept. The benchmark scripts each own one section of
docs/benchmarks.md."""
import os
import re
import sys

path, heading = sys.argv[1], sys.argv[2]
section = sys.stdin.read().rstrip() + "\n"
text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
pat = re.compile(r"^## " + re.escape(heading) + r".*?(?=^## |\Z)", re.S | re.M)
if pat.search(text):
    text = pat.sub(lambda _: section + "\n", text, count=1)
elif "--first" in sys.argv[3:] and "\n## " in text:
    i = text.index("\n## ") + 1
    text = text[:i] + section + "\n" + text[i:]
else:
    text = text.rstrip() + "\n\n" + section
open(path, "w").write(text.rstrip() + "\n")
