"""Form widgets shared by the apps' forms."""

from django import forms
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe


class LongSelect(forms.Select):
    """A ``<select>`` for choices that run into the thousands (the events and
    parties of a large site), written in Python rather than through Django's
    templates, which render every option with two template includes: on
    100,000 claims the claim list's 2,000 events took 130 ms of each page.
    The HTML is the one ``forms.Select`` writes; choices are flat (no groups)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = self.format_value(value)
        options = "".join(self._option(option_value, label, chosen) for option_value, label in self.choices)
        select_attrs = _attributes(self.build_attrs(self.attrs, attrs))
        safe_options = mark_safe(options)  # noqa: S308 (each value and label is escaped in _option)
        return format_html('<select name="{}"{}>{}\n</select>', name, select_attrs, safe_options)

    @staticmethod
    def _option(option_value, label, chosen) -> str:
        option_value = "" if option_value is None else str(option_value)
        selected = " selected" if option_value in chosen else ""
        return f'\n  <option value="{escape(option_value)}"{selected}>{escape(label)}</option>\n'


def _attributes(attrs: dict) -> str:
    """Attributes as Django's ``attrs.html`` writes them: in the order given,
    ``True`` as the bare name, ``False`` left out."""
    return mark_safe(  # noqa: S308 (each name and value is escaped)
        "".join(
            f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
            for name, value in attrs.items()
            if value is not False
        )
    )
