"""The form components' helpers (includes/field.html, includes/error_summary.html, includes/form.html).

Django ties a field to its help text and error (`<id>_helptext`, `<id>_error`, WCAG 2.1 1.3.1 and 3.3.1); these
helpers add what a page shows besides (a checklist message next to the field, a section's help) and list every error
of a form for the summary at the top of the page.
"""

from django import template
from django.forms import CheckboxSelectMultiple, RadioSelect

from microcred.core.form_errors import described_by, error_items

register = template.Library()


@register.simple_tag
def field_widget(field, *extra_ids):
    """`{% field_widget field "some-help-id" %}`: the field's widget, also described by the elements `extra_ids`
    name (Django's help and error ids come first)."""
    ids = described_by(field, *extra_ids)
    return field.as_widget(attrs={"aria-describedby": ids} if ids else None)


@register.simple_tag
def fieldset_described_by(field, *extra_ids):
    """The aria-describedby of a choice group's <fieldset> (Django puts none on fieldsets' inputs)."""
    return described_by(field, *extra_ids)


@register.filter(name="error_items")
def error_items_filter(form):
    """`{{ form|error_items }}`: see error_items."""
    return error_items(form)


@register.filter
def is_choice_group(field) -> bool:
    """Radios or several checkboxes: shown as a <fieldset> whose <legend> is the field's label."""
    return isinstance(field.field.widget, (RadioSelect, CheckboxSelectMultiple))
