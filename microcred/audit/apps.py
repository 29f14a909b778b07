from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "microcred.audit"
    label = "audit"
