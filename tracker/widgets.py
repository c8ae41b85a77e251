"""The select for choices that run into the thousands (the events, parties
and outlets of a large site), shared by the apps' forms and filters."""

import html

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe


class LongSelect(forms.Select):
    """A ``<select>`` for choices that run into the thousands, written in
    Python rather than through Django's templates, which render every option
    with two template includes: on 100,000 claims the claim list's 2,000
    events took 130 ms of each page. The HTML is the one ``forms.Select``
    writes; choices are flat (no groups)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = self.format_value(value)
        options = "".join(self._option(option_value, label, chosen) for option_value, label in self.choices)
        select_attrs = _attributes(self.build_attrs(self.attrs, attrs))
        safe_options = mark_safe(options)  # noqa: S308 (each value and label is escaped in _option)
        return format_html('<select name="{}"{}>{}\n</select>', name, select_attrs, safe_options)

    @staticmethod
    def _option(option_value, label, chosen) -> str:
        # The standard library's escape, which Django's wraps: the same
        # characters replaced, without a lazy-string check and a SafeString per call.
        option_value = "" if option_value is None else str(option_value)
        selected = " selected" if option_value in chosen else ""
        return f'\n  <option value="{html.escape(option_value)}"{selected}>{html.escape(str(label))}</option>\n'


class NamedRowChoices(ModelChoiceIterator):
    """The choices of a ``NamedRowChoiceField``: each row's key (its primary
    key unless the field names another) and name, read as pairs, so that no model instance is made per choice (for
    2,000 events, most of the select's cost)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list(self.field.to_field_name or "pk", "name")


class NamedRowChoiceField(forms.ModelChoiceField):
    """A choice of one row among thousands, labelled by its ``name`` field,
    which must be what the model's ``str()`` says (events, parties,
    outlets). The chosen value is still checked against the queryset."""

    widget = LongSelect
    iterator = NamedRowChoices


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
