from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "microcred.proposals"
    label = "proposals"
