"""Checks on rendered HTML shared by tests of several apps."""

from html.parser import HTMLParser


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.described: list[tuple[str, str]] = []  # (element's id or tag, id it points at)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for ref in (attrs.get("aria-describedby") or "").split():
            self.described.append((attrs.get("id") or tag, ref))


def dangling_descriptions(html: str) -> list[tuple[str, str]]:
    """(element, id) for each aria-describedby reference that names no element of the page (WCAG 2.1, 1.3.1 and
    3.3.2: a field's help text and error must be tied to it, which a reference to nothing is not)."""
    parser = _Ids()
    parser.feed(html)
    return [(element, ref) for element, ref in parser.described if ref not in parser.ids]
