from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "microcred.proposals"
    label = "proposals"

    def ready(self):
        from microcred.proposals.checklist import appendix2_checklist
        from microcred.proposals.publishing import MICRO_CREDENTIAL, register_checklist

        # A micro-credential proposal is checked against the policy's Appendix 2 form (docs/product-rules.md).
        register_checklist(MICRO_CREDENTIAL, appendix2_checklist)
