"""Reading a rendered page the way a person sees a form: which error sits
next to which input, and what each input holds. Built on the standard
library's HTML parser so tests need nothing beyond the project's
requirements."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict
    parent: "Element | None" = None
    children: list = field(default_factory=list)  # Elements and text strings

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def descendants(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.descendants()


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), parent=self.current)
        self.current.children.append(element)
        if tag not in _VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, dict(attrs), parent=self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


class Page:
    """A rendered HTML response."""

    def __init__(self, response):
        builder = _TreeBuilder()
        builder.feed(response.content.decode())
        builder.close()
        self.root = builder.root

    def by_id(self, element_id: str) -> Element:
        for element in self.root.descendants():
            if element.attrs.get("id") == element_id:
                return element
        raise AssertionError(f"No element with id {element_id!r} on the page")

    def enclosing(self, element_id: str, tag: str) -> Element:
        """The nearest ``tag`` element around the element ``element_id``."""
        element = self.by_id(element_id).parent
        while element is not None and element.tag != tag:
            element = element.parent
        assert element is not None, f"{element_id!r} is not inside a <{tag}>"
        return element

    def field_errors(self, input_id: str) -> list[str]:
        """The error messages shown in the same field block as the input ``input_id``."""
        block = self.by_id(input_id)
        while block is not None and not (block.tag == "div" and "field" in block.classes):
            block = block.parent
        assert block is not None, f"{input_id!r} is not inside a field block"
        return [
            " ".join(item.text().split())
            for errors in block.descendants()
            if errors.tag == "ul" and "errors" in errors.classes
            for item in errors.descendants()
            if item.tag == "li"
        ]

    def value(self, input_id: str) -> str:
        """What the input ``input_id`` holds as rendered: its value, text, or selected option."""
        element = self.by_id(input_id)
        if element.tag == "textarea":
            return element.text().removeprefix("\n")
        if element.tag == "select":
            chosen = [option.attrs.get("value", "") for option in element.descendants() if "selected" in option.attrs]
            return chosen[0] if chosen else ""
        return element.attrs.get("value") or ""

    def alerts(self) -> list[str]:
        """The texts of every alert box (non-field errors, warnings, conflicts)."""
        return [
            " ".join(element.text().split())
            for element in self.root.descendants()
            if element.attrs.get("role") == "alert"
        ]
