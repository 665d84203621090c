"""`make screenshots`: every page of the built book, as a reader sees it, at 1280 and 390 px.

Writes _build/screenshots/<width>/<page>.png from _build/html, opened from disk in the same
headless Chromium the browser test uses, with every outside request blocked. The pictures are for
looking at, not for comparing: nothing here passes or fails.

    python bench/screenshots.py [--widths 1280 390]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.pagecheck import browser_context, html_pages, inside  # noqa: E402

HTML = ROOT / "_build" / "html"
OUT = ROOT / "_build" / "screenshots"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", type=int, nargs="+", default=[1280, 390])
    args = parser.parse_args()
    if not (HTML / "index.html").exists():
        print(f"No {HTML}/index.html: run 'make book' first.", file=sys.stderr)
        return 1
    base = HTML.as_uri() + "/"
    pages = html_pages(HTML)
    with browser_context() as context:
        context.route("**/*", lambda route: route.continue_() if inside(route.request.url, base) else route.abort())
        for width in args.widths:
            folder = OUT / str(width)
            folder.mkdir(parents=True, exist_ok=True)
            for path in pages:
                relative = path.relative_to(HTML).as_posix()
                page = context.new_page()
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(base + relative, wait_until="load")
                page.wait_for_timeout(500)  # the charts draw after load
                page.screenshot(path=str(folder / (relative.replace("/", "__").removesuffix(".html") + ".png")),
                                full_page=True)
                page.close()
        print(f"{len(pages)} pages at {', '.join(map(str, args.widths))} px: {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
