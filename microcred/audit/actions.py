"""Every action the audit log records, by name: one enumeration, so a report (issue #15) or a filter can rely on
the names, and a misspelt one is refused (`record_audit_event` raises ValueError) instead of starting a new kind
of event nobody counts.

A new action is added here in the same change as the service that records it; `test_actions.py` in this app
scans the code for the names it records and fails on one that is missing. Names are "<object>.<what happened>",
in the past tense, and never change once recorded (the log keeps them).
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    # Accounts and roles (accounts)
    ACCOUNT_REGISTERED = "account.registered"
    ACCOUNT_SIGN_UP_WITH_EXISTING_ADDRESS = "account.sign_up_with_existing_address"
    ACCOUNT_EMAIL_VERIFIED = "account.email_verified"
    ACCOUNT_PASSWORD_RESET = "account.password_reset"  # noqa: S105 (a name, not a password)
    ACCOUNT_LOGIN_THROTTLED = "account.login_throttled"
    ACCOUNT_PASSWORD_RESET_THROTTLED = "account.password_reset_throttled"  # noqa: S105 (a name, not a password)
    ACCOUNT_REGISTRATION_THROTTLED = "account.registration_throttled"
    ACCOUNT_OIDC_CALLBACK_THROTTLED = "account.oidc_callback_throttled"
    ACCOUNT_DATA_EXPORTED = "account.data_exported"
    ACCOUNT_ERASED = "account.erased"
    ACCOUNT_DETAILS_CHANGED = "account.details_changed"  # the profile, or the learner group asked at log-in
    ROLE_GRANTED = "role.granted"
    ROLE_REVOKED = "role.revoked"

    # Reference data (reference): loading, and the admin's edits of the editable tables
    REFERENCE_LOADED = "reference.loaded"
    REFERENCE_INSTITUTION_ADDED = "reference.institution.added"
    REFERENCE_INSTITUTION_CHANGED = "reference.institution.changed"
    REFERENCE_INSTITUTION_DELETED = "reference.institution.deleted"
    REFERENCE_EDUCATIONALPRINCIPLE_ADDED = "reference.educationalprinciple.added"
    REFERENCE_EDUCATIONALPRINCIPLE_CHANGED = "reference.educationalprinciple.changed"
    REFERENCE_EDUCATIONALPRINCIPLE_DELETED = "reference.educationalprinciple.deleted"
    REFERENCE_CONTENTAREA_ADDED = "reference.contentarea.added"
    REFERENCE_CONTENTAREA_CHANGED = "reference.contentarea.changed"
    REFERENCE_CONTENTAREA_DELETED = "reference.contentarea.deleted"
    REFERENCE_STRATEGICTARGET_ADDED = "reference.strategictarget.added"
    REFERENCE_STRATEGICTARGET_CHANGED = "reference.strategictarget.changed"
    REFERENCE_STRATEGICTARGET_DELETED = "reference.strategictarget.deleted"
    REFERENCE_EQFLEVEL_ADDED = "reference.eqflevel.added"
    REFERENCE_EQFLEVEL_CHANGED = "reference.eqflevel.changed"
    REFERENCE_EQFLEVEL_DELETED = "reference.eqflevel.deleted"
    REFERENCE_ECTSRULE_ADDED = "reference.ectsrule.added"
    REFERENCE_ECTSRULE_CHANGED = "reference.ectsrule.changed"
    REFERENCE_ECTSRULE_DELETED = "reference.ectsrule.deleted"
    REFERENCE_POLICYVERSION_ADDED = "reference.policyversion.added"
    REFERENCE_POLICYVERSION_CHANGED = "reference.policyversion.changed"
    REFERENCE_POLICYVERSION_DELETED = "reference.policyversion.deleted"
    POLICY_REVIEW_REMINDER_SENT = "policy.review_reminder_sent"  # the alliance admins reminded (policy 10.3)

    # Proposals and their review (proposals; one per workflow action, policy 7.1-7.7)
    PROPOSAL_CREATED = "proposal.created"
    PROPOSAL_DOCUMENT_ADDED = "proposal.document_added"
    PROPOSAL_DOCUMENT_REMOVED = "proposal.document_removed"
    PROPOSAL_CO_PROPOSER_ADDED = "proposal.co_proposer_added"
    PROPOSAL_CO_PROPOSER_REMOVED = "proposal.co_proposer_removed"
    PROPOSAL_CO_PROPOSER_LEFT = "proposal.co_proposer_left"
    PROPOSAL_UNIVERSITY_APPROVED = "proposal.university_approved"
    PROPOSAL_CHANGE_STARTED = "proposal.change_started"
    PROPOSAL_REVIEWED = "proposal.reviewed"
    PROPOSAL_ACTION_REFUSED = "proposal.action_refused"
    PROPOSAL_STEP_FELL_TO_FALLBACK = "proposal.step_fell_to_fallback"  # nobody holds the role there (policy 7.4)
    PROPOSAL_SEND_TO_MANAGER = "proposal.send_to_manager"
    PROPOSAL_MANAGER_APPROVE = "proposal.manager_approve"
    PROPOSAL_MANAGER_RETURN = "proposal.manager_return"
    PROPOSAL_RESUBMIT = "proposal.resubmit"
    PROPOSAL_ACCEPT_AS_COMPLETE = "proposal.accept_as_complete"
    PROPOSAL_SECRETARY_RETURN = "proposal.secretary_return"
    PROPOSAL_SEND_TO_PANEL = "proposal.send_to_panel"
    PROPOSAL_PANEL_DONE = "proposal.panel_done"
    PROPOSAL_SCHEDULE = "proposal.schedule"
    PROPOSAL_UNSCHEDULE = "proposal.unschedule"
    PROPOSAL_COUNCIL_APPROVE = "proposal.council_approve"
    PROPOSAL_COUNCIL_APPROVE_WITH_CONDITIONS = "proposal.council_approve_with_conditions"
    PROPOSAL_COUNCIL_REQUEST_REVISIONS = "proposal.council_request_revisions"
    PROPOSAL_COUNCIL_REJECT = "proposal.council_reject"
    PROPOSAL_SCHEDULE_EXECUTIVE = "proposal.schedule_executive"
    PROPOSAL_EXECUTIVE_APPROVE = "proposal.executive_approve"
    PROPOSAL_EXECUTIVE_REQUEST_REVISIONS = "proposal.executive_request_revisions"
    PROPOSAL_EXECUTIVE_REJECT = "proposal.executive_reject"
    PROPOSAL_WITHDRAW = "proposal.withdraw"
    MEETING_CREATED = "meeting.created"
    MEETING_ATTENDANCE = "meeting.attendance"
    MEETING_MINUTES = "meeting.minutes"
    MEETING_PAPER_ADDED = "meeting.paper_added"  # a paper to note (a quality report, policy 7.25)
    MEETING_PAPER_NOTED = "meeting.paper_noted"
    CALL_CREATED = "call.created"

    # The catalogue (catalogue)
    MICRO_CREDENTIAL_VERSION_PUBLISHED = "micro_credential.version_published"
    MICRO_CREDENTIAL_RETIRED = "micro_credential.retired"
    MICRO_CREDENTIAL_IMPORTED = "micro_credential.imported"
    MICRO_CREDENTIAL_TRANSLATION_SAVED = "micro_credential.translation_saved"
    MICRO_CREDENTIAL_TRANSLATION_DELETED = "micro_credential.translation_deleted"
    CATEGORY_OVERVIEW_CREATED = "category_overview.created"
    CATEGORY_OVERVIEW_UPDATED = "category_overview.updated"
    CATEGORY_OVERVIEW_PUBLISHED = "category_overview.published"
    CATEGORY_OVERVIEW_UNPUBLISHED = "category_overview.unpublished"

    # Pathways (pathways; issue #12, policy 5.12): approval publishes a version; the board secretary retires one
    PATHWAY_VERSION_PUBLISHED = "pathway.version_published"
    PATHWAY_RETIRED = "pathway.retired"

    # Offerings, enrolment and results (learning)
    OFFERING_CREATED = "offering.created"
    OFFERING_UPDATED = "offering.updated"
    OFFERING_ASSESSOR_ASSIGNED = "offering.assessor_assigned"
    OFFERING_ASSESSOR_REMOVED = "offering.assessor_removed"
    OFFERING_ENDED = "offering.ended"
    ENROLMENT_ENROLLED = "enrolment.enrolled"
    ENROLMENT_WAITLISTED = "enrolment.waitlisted"
    ENROLMENT_PROMOTED = "enrolment.promoted"
    ENROLMENT_CANCELLED = "enrolment.cancelled"
    ENROLMENT_CANCELLED_BY_STAFF = "enrolment.cancelled_by_staff"
    RESULT_RECORDED = "result.recorded"
    RESULT_CHANGED = "result.changed"
    RESULT_IMPORT_COMMITTED = "result.import_committed"

    # The council report and its recommendations, followed until closed (quality; policy 7.25)
    COUNCIL_REPORT_CREATED = "council_report.created"
    COUNCIL_REPORT_PUT_ON_AGENDA = "council_report.put_on_agenda"
    RECOMMENDATION_RECORDED = "recommendation.recorded"
    RECOMMENDATION_LINKED = "recommendation.linked_to_change_proposal"
    RECOMMENDATION_CLOSED = "recommendation.closed"
    RECOMMENDATION_CLOSED_BY_APPROVAL = "recommendation.closed_by_approval"

    # Post-delivery surveys (surveys; policy 7.25). Answering is not recorded: it would say who answered when.
    SURVEY_TEMPLATE_CREATED = "survey_template.created"
    SURVEY_TEMPLATE_CHANGED = "survey_template.changed"
    SURVEY_TEMPLATE_VERSION_CREATED = "survey_template.version_created"
    SURVEY_SENT = "survey.sent"
    SURVEY_REMINDED = "survey.reminded"
    SURVEY_CLOSED = "survey.closed"

    # Issuers, issuance and revocation (credentials)
    ISSUER_SIGNATORY_ADDED = "issuer_signatory.added"  # a certificate signatory, on the admin site
    ISSUER_SIGNATORY_CHANGED = "issuer_signatory.changed"
    ISSUER_SIGNATORY_DELETED = "issuer_signatory.deleted"
    ISSUER_PROOF_FORMAT_CHANGED = "issuer.proof_format_changed"  # its cryptosuite (eddsa-rdfc/jcs-2022), admin site
    TRUSTED_REGISTRY_ADDED = "trusted_registry.added"  # another alliance's issuer registry, on the admin site
    TRUSTED_REGISTRY_CHANGED = "trusted_registry.changed"
    TRUSTED_REGISTRY_DELETED = "trusted_registry.deleted"
    ISSUER_KEY_CREATED = "issuer_key.created"
    ISSUER_KEY_ROTATED = "issuer_key.rotated"
    ISSUER_KEY_EXPORTED = "issuer_key.exported"  # for escrow, encrypted to an operator's public key
    ISSUER_KEY_IMPORTED = "issuer_key.imported"  # restored from escrow, sealed under the current KEK
    CREDENTIAL_KEK_ROTATED = "credential_kek.rotated"  # every issuer key re-sealed under a new KEK
    SEAL_CERTIFICATE_INSTALLED = "seal_certificate.installed"  # an issuer's e-seal (or test seal) for sealed ELM
    SEAL_CERTIFICATE_REVOKED = "seal_certificate.revoked"  # the admin's revocation flag on a seal certificate
    SEAL_AUTHORITY_ADDED = "seal_authority.added"  # a CA trusted for other issuers' seals (sealed ELM received)
    SEAL_AUTHORITY_CHANGED = "seal_authority.changed"
    CREDENTIAL_ISSUED = "credential.issued"
    CREDENTIAL_BOUND_COPY_ISSUED = "credential.bound_copy_issued"
    CREDENTIAL_REVOKED = "credential.revoked"
    CREDENTIAL_BULK_ISSUE_STARTED = "credential.bulk_issue_started"
    CREDENTIAL_BULK_ISSUE_RESUMED = "credential.bulk_issue_resumed"
    CREDENTIAL_BULK_ISSUE_RERUN = "credential.bulk_issue_rerun"
    CREDENTIAL_BULK_ISSUE_FINISHED = "credential.bulk_issue_finished"
    CREDENTIAL_BULK_ISSUE_INTERRUPTED = "credential.bulk_issue_interrupted"
    CREDENTIAL_VERIFICATION_RECORDED = "credential.verification_recorded"

    # Conditions of approval followed up (proposals; issue #14)
    APPROVAL_CONDITION_REPORTED = "approval_condition.reported"
    APPROVAL_CONDITION_CONFIRMED = "approval_condition.confirmed"
    APPROVAL_CONDITION_REOPENED = "approval_condition.reopened"
    APPROVAL_CONDITION_OVERDUE = "approval_condition.overdue"  # its owners told, once
    # Hand-offs after approval (handoffs; policy 7.8)
    HANDOFF_TASK_CREATED = "handoff_task.created"
    HANDOFF_TASK_CHECKLIST_CHANGED = "handoff_task.checklist_changed"
    HANDOFF_TASK_STATUS_CHANGED = "handoff_task.status_changed"
    HANDOFF_TASK_CANCELLED = "handoff_task.cancelled"
    HANDOFF_TASK_OVERDUE = "handoff_task.overdue"  # the people in its owner role told, once
    HANDOFF_PLAN_CHANGED = "handoff_plan.changed"  # a kind of task added or changed on the admin site

    # Recognition of credentials by the member universities (recognition; policy 6.6, 7.26)
    RECOGNITION_REQUESTED = "recognition.requested"
    RECOGNITION_REQUEST_REFUSED = "recognition.request_refused"  # the credential failed verification: nothing written
    RECOGNITION_DECIDED = "recognition.decided"
    RECOGNITION_APPEALED = "recognition.appealed"
    RECOGNITION_APPEAL_DECIDED = "recognition.appeal_decided"
    RECOGNITION_SHARED = "recognition.shared"
    RECOGNITION_SHARE_WITHDRAWN = "recognition.share_withdrawn"
    RECOGNITION_AGREEMENT_CREATED = "recognition_agreement.created"
    RECOGNITION_AGREEMENT_CHANGED = "recognition_agreement.changed"

    # Pathway credentials awarded (pathways; issue #12, policy 5.12)
    PATHWAY_AWARDED = "pathway.awarded"
    PATHWAY_AWARD_FLAGGED = "pathway.award_flagged"  # a component revoked after the award: the officers decide
    PATHWAY_AWARD_REVIEWED = "pathway.award_reviewed"
    PATHWAY_AWARD_RUN_STARTED = "pathway.award_run_started"

    # Wallets and sharing (oid4vci, wallet), e-mail (outbox)
    OID4VCI_OFFER_CREATED = "oid4vci.offer_created"
    OID4VCI_OFFER_REDEEMED = "oid4vci.offer_redeemed"
    OID4VCI_CREDENTIAL_DELIVERED = "oid4vci.credential_delivered"
    EXCHANGE_STARTED = "exchange.started"  # VC-API exchange to the DCC Learner Credential Wallet (exchanges)
    EXCHANGE_CREDENTIAL_DELIVERED = "exchange.credential_delivered"
    SHARE_LINK_CREATED = "share_link.created"
    SHARE_LINK_WITHDRAWN = "share_link.withdrawn"
    WALLET_CREDENTIAL_RECEIVED = "wallet.credential_received"  # another issuer's credential added, after verification
    WALLET_RECEIVED_CREDENTIAL_REMOVED = "wallet.received_credential_removed"
    OUTBOX_RETRIED = "outbox.retried"

    # Data protection (privacy)
    PRIVACY_NOTICE_DRAFT_CREATED = "privacy.notice_draft_created"
    PRIVACY_NOTICE_DRAFT_CHANGED = "privacy.notice_draft_changed"
    PRIVACY_NOTICE_DRAFT_DELETED = "privacy.notice_draft_deleted"
    PRIVACY_NOTICE_PUBLISHED = "privacy.notice_published"
    PRIVACY_NOTICE_AGREED = "privacy.notice_agreed"
    PRIVACY_RETENTION_APPLIED = "privacy.retention_applied"

    # Operations (operations): backups and restores
    OPERATIONS_BACKUP_MADE = "operations.backup_made"
    OPERATIONS_BACKUP_RESTORED = "operations.backup_restored"


KNOWN_ACTIONS: frozenset[str] = frozenset(AuditAction)


def check_action(action: str) -> str:
    """`action` as recorded; ValueError if it is not one of the enumeration."""
    if action not in KNOWN_ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}: add it to microcred.audit.actions.AuditAction")
    return str(action)
