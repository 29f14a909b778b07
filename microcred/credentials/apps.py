from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "microcred.credentials"
    label = "credentials"
    verbose_name = "Verifiable credentials"

    def ready(self) -> None:
        from microcred.credentials import (
            checks,  # noqa: F401  (registers the system checks)
            tasks,  # noqa: F401  (the task that runs issuance jobs)
        )
        from microcred.credentials.services import trust_registry
        from microcred.credentials.services.verification_cache import connect_invalidation
        from microcred.credentials.vocabulary import register_extension_context

        register_extension_context()
        connect_invalidation()  # every process that changes issuers, keys or lists empties the others' memory
        trust_registry.connect_invalidation()  # and the trusted registries the admin configures
