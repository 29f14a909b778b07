"""Issue #11 (bad input): every text a person or a client sends has a sane maximum length.

A 1,000,000-character comment used to be accepted (and stored, e-mailed, rendered). Every text field of every
form and of every API input serializer declares a max_length, so an over-long value is a clear message next to
the field (or a 400 naming it), and nothing is written.
"""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from rest_framework import serializers

import microcred
from microcred.api import v1 as api_v1

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


def _input_serializers():
    for module in _modules(api_v1, ""):
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, serializers.Serializer) and cls.__module__ == module.__name__ and name.endswith("In"):
                yield cls


def _unbounded_form_fields():
    for cls in _form_classes():
        for name, field in cls.base_fields.items():
            if isinstance(field, forms.CharField) and not isinstance(field, CHOICE_FIELDS) and field.max_length is None:
                yield f"{cls.__module__}.{cls.__name__}.{name}"


def _unbounded_serializer_fields():
    for cls in _input_serializers():
        for name, field in cls().fields.items():
            child = getattr(field, "child", None)
            for f in (field, child) if child is not None else (field,):
                if (
                    isinstance(f, serializers.CharField)
                    and not isinstance(f, serializers.ChoiceField)
                    and not f.read_only
                    and f.max_length is None
                ):
                    yield f"{cls.__module__}.{cls.__name__}.{name}"


@pytest.mark.django_db
def test_every_form_text_field_has_a_maximum_length():
    assert list(_form_classes()), "no forms found: the scan is broken"
    assert sorted(set(_unbounded_form_fields())) == []


def test_every_api_input_text_has_a_maximum_length():
    assert list(_input_serializers()), "no input serializers found: the scan is broken"
    assert sorted(set(_unbounded_serializer_fields())) == []
