from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "microcred.pathways"
    label = "pathways"
    verbose_name = "Pathways"

    def ready(self):
        from microcred.catalogue.public_panels import register_public_panel
        from microcred.catalogue.search_panels import register_search_panel
        from microcred.pathways import checklist, notifications, panels, services
        from microcred.proposals import publishing

        # A pathway is proposed and reviewed like a micro-credential (proposal type "pathway", issue #12): approval
        # publishes a PathwayVersion, a change starts from the current one, the checklist is the pathway's own,
        # and its proposal is written on this app's form and summarised on the proposal page by this app.
        publishing.register_publisher(services.PATHWAY, services.publish_approved_pathway)
        publishing.register_change_basis(services.PATHWAY, services.pathway_change_basis)
        publishing.register_checklist(services.PATHWAY, checklist.pathway_checklist)
        publishing.register_edit_page(services.PATHWAY, services.proposal_edit_page)
        publishing.register_summary(services.PATHWAY, services.proposal_summary)
        # The review's e-mails call it a pathway proposal.
        publishing.register_wording(services.PATHWAY, notifications.PROPOSAL_WORDING)
        # The catalogue page of a micro-credential names the pathways it counts towards.
        register_public_panel(panels.part_of_pathways_panel)
        # The catalogue's search page shows the pathways matching the same text beside the micro-credentials found.
        register_search_panel(panels.catalogue_search_panel)
        # The learner side (issue #12, items 3-4): a new component credential may complete a pathway (award.py); a
        # revoked one flags the pathway credentials it completed for the credential officers. Her progress shows
        # in "my learning" through learning's panel registry (the wallet reads progress_panels itself).
        from microcred.credentials.signals import credential_issued, credential_revoked
        from microcred.learning.panels import register_my_learning_panel
        from microcred.pathways import award, progress_panels

        credential_issued.connect(award.on_credential_issued, dispatch_uid="pathways-award-on-credential-issued")
        credential_revoked.connect(award.on_credential_revoked, dispatch_uid="pathways-flag-on-credential-revoked")
        register_my_learning_panel(progress_panels.progress_panel)
