"""A form's errors listed for the summary at the top of its page, and the ids that describe a field (issue #16,
consistent components; used by the templates' form components, core/templatetags/form_fields.py, and by views that
summarise several forms on one page)."""

from django.utils.translation import gettext


def described_by(field, *extra_ids: str) -> str:
    """The ids that describe `field`: Django's own (help text, error), then `extra_ids` (empty ones left out)."""
    ids = (field.aria_describedby or "").split() if field.auto_id else []
    return " ".join([*ids, *(i for i in extra_ids if i)])


def error_items(form, label_prefix: str = "") -> list[dict]:
    """Every error of a bound form as {"text", "href"} (href to the field's input; none for the form's own errors),
    for the error summary. `label_prefix` names the row of a formset ("Learning outcome 2")."""
    if form is None or not form.is_bound or not form.errors:
        return []
    items = [{"text": str(error), "href": ""} for error in form.non_field_errors()]
    for field in form:
        for error in field.errors:
            label = f"{label_prefix} – {field.label}" if label_prefix else str(field.label)
            items.append({"text": f"{label}: {error}", "href": f"#{field.id_for_label}" if field.id_for_label else ""})
    return items


def formset_error_items(formset, row_label: str) -> list[dict]:
    """Every error of a bound formset: its own (too many rows) and each row's, the row named by `row_label`
    (a text with %(n)d, translated here)."""
    if formset is None or not formset.is_bound:
        return []
    items = [{"text": str(error), "href": ""} for error in formset.non_form_errors()]
    for n, form in enumerate(formset.forms, start=1):
        if formset.can_delete and formset._should_delete_form(form):
            continue
        items.extend(error_items(form, label_prefix=gettext(row_label) % {"n": n}))
    return items
