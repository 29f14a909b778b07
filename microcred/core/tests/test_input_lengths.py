"""Issue #11 (bad input): every text a person or a client sends has a sane maximum length.

A 1,000,000-character comment used to be accepted (and stored, e-mailed, rendered). Every text field of every
form declares a max_length, so an over-long value is a clear message next to the field, and nothing is written.
(The API's input serializers are checked in microcred/api/tests/test_input_lengths.py.)
"""

import importlib
import inspect
import pkgutil

import pytest
from django import forms

import microcred

CHOICE_FIELDS = (forms.ChoiceField, forms.TypedChoiceField, forms.MultipleChoiceField, forms.ModelChoiceField)


def _modules(package, suffix: str):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if info.name.endswith(suffix) and ".tests" not in info.name and ".migrations" not in info.name:
            yield importlib.import_module(info.name)


def _form_classes():
    for module in _modules(microcred, ".forms"):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def _unbounded_form_fields():
    for cls in _form_classes():
        for name, field in cls.base_fields.items():
            if isinstance(field, forms.CharField) and not isinstance(field, CHOICE_FIELDS) and field.max_length is None:
                yield f"{cls.__module__}.{cls.__name__}.{name}"


@pytest.mark.django_db
def test_every_form_text_field_has_a_maximum_length():
    assert list(_form_classes()), "no forms found: the scan is broken"
    assert sorted(set(_unbounded_form_fields())) == []
