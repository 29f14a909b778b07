"""Helpers for the OpenAPI document that change nothing in what the API does."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_description_list
from rest_framework import serializers


class NamedChoiceField(serializers.ChoiceField):
    """A ChoiceField whose choices the document shows as one enum component, named here.

    drf-spectacular names enums after the field ("status" → StatusEnum): several choice sets under one field name
    (a proposal's status, an enrolment's, a job's) would get hashed names and warnings. Naming the set avoids that,
    and every field with the same name shares one component. Validation and output are a ChoiceField's.
    """

    def __init__(self, enum_name: str, **kwargs):
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField

    def get_name(self):
        return self.target.enum_name

    def map_serializer_field(self, auto_schema, direction):
        choices = self.target.choices
        return {
            "type": "string",
            "enum": [value for value in choices if value not in ("", None)],
            "description": build_choice_description_list(choices.items()),
        }
