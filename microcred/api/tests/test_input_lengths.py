"""Issue #11 (bad input): every text an API client sends has a maximum length (a 400 naming the field)."""

import importlib
import inspect
import pkgutil

from rest_framework import serializers

from microcred.api import v1 as api_v1


def _input_serializers():
    for info in pkgutil.walk_packages(api_v1.__path__, api_v1.__name__ + "."):
        module = importlib.import_module(info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, serializers.Serializer) and cls.__module__ == module.__name__ and name.endswith("In"):
                yield cls


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


def test_every_api_input_text_has_a_maximum_length():
    assert list(_input_serializers()), "no input serializers found: the scan is broken"
    assert sorted(set(_unbounded_serializer_fields())) == []
