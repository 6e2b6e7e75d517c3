#!/usr/bin/env python3
"""Copies the MJML documentation examples into the parity corpus.

Every component README of the mjml npm package (MIT, (c) Mailjet SAS) shows one or more full
<mjml> documents in fenced code blocks; each becomes one file, named after its package and its
position: mjml-section.mjml, mjml-hero-2.mjml...

    python3 scripts/parity/extract_docs.py NODE_MODULES_DIR scripts/parity/corpus/mjml-docs
"""
import pathlib
import re
import sys


def examples(readme: str):
    """Fenced code blocks (```xml / ```html) whose text is a whole <mjml> document."""
    for block in re.findall(r"```[a-z]*\n(.*?)```", readme, flags=re.S):
        text = block.strip()
        if text.startswith("<mjml") and text.endswith("</mjml>"):
            yield text + "\n"


def main() -> None:
    modules, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for readme in sorted(modules.glob("mjml*/README.md")):
        package = readme.parent.name
        for i, text in enumerate(examples(readme.read_text(encoding="utf-8")), start=1):
            name = package if i == 1 else f"{package}-{i}"
            (out / f"{name}.mjml").write_text(text, encoding="utf-8")
            count += 1
    print(f"{count} examples written to {out}")


if __name__ == "__main__":
    main()
