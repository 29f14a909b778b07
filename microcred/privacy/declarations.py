"""The platform's processing activities and, app by app, the personal data each model holds (GDPR Art. 30(1)).

A new model, or a new field that holds personal data, must be declared here (or in its app's `personal_data`
module): the system check `privacy.E001` and the tests name what is missing. What the alliance decides (the
lawful basis of each activity, the controller, recipients outside the platform, transfers) is in the privacy
notice, which is data; what is here is what the code does.
"""

from django.utils.translation import gettext_lazy as _

from microcred.privacy.registry import Category as C
from microcred.privacy.registry import Subject as S
from microcred.privacy.registry import activity, also_used_by, declare, declare_no_personal_data, not_in_export

# -- Processing activities -----------------------------------------------------------------------------------

STAFF_OF_THE_INSTITUTION = _("staff of the member institution concerned, by role (managers, assessors, officers)")
ALLIANCE_ADMIN = _("the alliance admin")
HOSTING = _("the organisation that hosts the platform for the alliance (processor)")
EMAIL = _("the outgoing e-mail service (processor)")

activity(
    "accounts",
    _("Accounts and log-in"),
    _(
        "Create and run people's accounts: confirm the e-mail address, log in (also by university single sign-on), "
        "keep roles, language and the privacy notice each person was shown."
    ),
    subjects=[S.LEARNERS, S.STAFF],
    recipients=[ALLIANCE_ADMIN, HOSTING, EMAIL],
    security=["access_control", "password_hashing", "staff_sessions", "audit_log", "transport", "retention", "erasure"],
)
activity(
    "proposals",
    _("Proposing and approving micro-credentials"),
    _(
        "Staff propose micro-credentials; reviewers, the Academic Council and the Executive Board comment and decide; "
        "meetings record who was present."
    ),
    subjects=[S.STAFF],
    recipients=[
        _("staff taking part in the review and approval (boards, secretary, quality office)"),
        ALLIANCE_ADMIN,
        HOSTING,
    ],
    security=["access_control", "staff_sessions", "audit_log", "transport"],
)
activity(
    "catalogue",
    _("Publishing the catalogue"),
    _(
        "Staff write translations and category overviews of approved micro-credentials; their names are kept with "
        "their work."
    ),
    subjects=[S.STAFF],
    recipients=[_("the communication office"), ALLIANCE_ADMIN, HOSTING],
    security=["access_control", "staff_sessions", "audit_log", "transport"],
)
activity(
    "learning",
    _("Enrolment and assessment"),
    _(
        "Learners enrol on offerings (or join the waiting list); assessors record participation, results and grades, "
        "also by uploading a file."
    ),
    subjects=[S.LEARNERS, S.STAFF],
    recipients=[STAFF_OF_THE_INSTITUTION, ALLIANCE_ADMIN, HOSTING, EMAIL],
    security=["access_control", "staff_sessions", "audit_log", "transport", "retention", "erasure"],
)
activity(
    "credentials",
    _("Issuing, verifying and revoking credentials"),
    _(
        "Credential officers issue signed credentials naming the learner, keep a copy, revoke them when needed and "
        "publish status lists; anyone the learner shows a credential to can verify it."
    ),
    subjects=[S.LEARNERS, S.STAFF],
    recipients=[
        STAFF_OF_THE_INSTITUTION,
        _("whoever the learner shows a credential to (the credential carries the learner's name)"),
        HOSTING,
        EMAIL,
    ],
    security=["access_control", "key_encryption", "signed_credentials", "audit_log", "transport", "erasure"],
)
activity(
    "wallet",
    _("The learner's wallet: sharing and sending credentials"),
    _(
        "At the learner's request: share links to a credential, and sending a credential to a wallet app "
        "(OpenID4VCI), bound to the wallet's key."
    ),
    subjects=[S.LEARNERS, S.VISITORS],
    recipients=[_("the people the learner sends a share link to"), _("the wallet app the learner chooses"), HOSTING],
    security=["access_control", "hashed_tokens", "pseudonymous_keys", "retention", "transport", "erasure"],
)
activity(
    "communication",
    _("E-mails to learners and staff"),
    _(
        "E-mails that announce what happened (enrolled, wait-listed, credential issued or revoked, account "
        "confirmation), sent once each."
    ),
    subjects=[S.LEARNERS, S.STAFF],
    recipients=[EMAIL, HOSTING],
    security=["access_control", "retention", "transport"],
)
activity(
    "security",
    _("Security and accountability"),
    _(
        "The audit log of every write that matters, and the protection of log-in, password reset, sign-up and public "
        "endpoints against abuse."
    ),
    subjects=[S.LEARNERS, S.STAFF, S.VISITORS],
    recipients=[ALLIANCE_ADMIN, HOSTING],
    security=["audit_log", "pseudonymous_keys", "access_control", "transport"],
)
activity(
    "reporting",
    _("Reporting on the alliance's targets"),
    _(
        "Count learners by the group they belong to (and by country, age band and employment status where they said "
        "them), with their enrolments and credentials, to report on the targets of the alliance's strategic plan. "
        "Reports show totals only and leave out small numbers; none of this is ever put in a credential."
    ),
    subjects=[S.LEARNERS],
    recipients=[_("the alliance's boards and offices, and the alliance's funders, as totals only"), HOSTING],
    security=["access_control", "aggregated_reports", "audit_log", "transport", "erasure"],
)
activity(
    "administration",
    _("Administration of the platform"),
    _(
        "The alliance admin keeps the reference data, the privacy notice, users and roles; the admin site lists "
        "recent changes."
    ),
    subjects=[S.STAFF],
    recipients=[ALLIANCE_ADMIN, HOSTING],
    security=["access_control", "staff_sessions", "audit_log", "retention", "transport"],
)

# The learner's background is asked with the account (and kept with it: LIFE_OF_ACCOUNT, cleared by erasure) but
# used only for reporting (issue #15).
also_used_by(C.BACKGROUND, "reporting")

# -- Retention in words (the rules in microcred.privacy.retention say what is deleted when) -----------------

LIFE_OF_ACCOUNT = _("for the life of the account; personal data removed when the learner erases the account")
KEPT_AS_RECORD = _("kept as the record of the alliance's work (named by account; see the privacy notice)")
EDUCATION_RECORD = _("kept as the learner's education record; the learner's copy is theirs to export")

# -- Django's own apps ---------------------------------------------------------------------------------------

declare(
    "admin.LogEntry",
    activity="administration",
    subjects=[S.STAFF],
    fields={"user": C.ACTIVITY, "object_repr": C.ACTIVITY, "change_message": C.ACTIVITY},
    retention=_("deleted by the retention schedule"),
    rule="admin_log",
)
declare(
    "sessions.Session",
    activity="accounts",
    subjects=[S.LEARNERS, S.STAFF],
    fields={"session_key": C.AUTHENTICATION, "session_data": C.AUTHENTICATION},
    retention=_("until log-out or expiry; expired sessions deleted by the retention schedule"),
    rule="sessions",
)
not_in_export("sessions", reason="the keys of browsers' log-in sessions, not a record about the learner")
declare(
    "authtoken.Token",
    activity="accounts",
    subjects=[S.STAFF],
    fields={"key": C.AUTHENTICATION, "user": C.AUTHENTICATION},
    retention=_("until the admin withdraws it or the account is erased"),
)
declare_no_personal_data(
    "auth.Permission", "auth.Group", "contenttypes.ContentType", reason=_("the platform's own vocabulary")
)

# -- accounts ------------------------------------------------------------------------------------------------

declare(
    "accounts.User",
    activity="accounts",
    subjects=[S.LEARNERS, S.STAFF],
    fields={
        "email": C.CONTACT,
        "full_name": C.IDENTITY,
        "did": C.ONLINE_IDENTIFIERS,
        "password": C.AUTHENTICATION,
        "preferred_language": C.ACCOUNT,
        "email_verified_at": C.ACCOUNT,
        "date_joined": C.ACCOUNT,
        "last_login": C.ACCOUNT,
        "is_active": C.ACCOUNT,
        "is_staff": C.ROLES,
        "is_superuser": C.ROLES,
        "erased_at": C.ACCOUNT,
        "learner_group": C.BACKGROUND,
        "country": C.BACKGROUND,
        "age_band": C.BACKGROUND,
        "employment_status": C.BACKGROUND,
        "groups": C.ROLES,
        "user_permissions": C.ROLES,
    },
    retention=_(
        "for the life of the account; erased at the learner's request (the row stays, without personal data, "
        "for the records that name it by number); never-confirmed accounts deleted by the retention schedule"
    ),
    rule="unverified_accounts",
)
declare(
    "accounts.RoleAssignment",
    activity="accounts",
    subjects=[S.LEARNERS, S.STAFF],
    fields={"user": C.ROLES, "role": C.ROLES, "institution": C.ROLES, "granted_at": C.ROLES},
    retention=_("until the role is withdrawn or the account erased"),
)

# -- audit ---------------------------------------------------------------------------------------------------

declare(
    "audit.AuditEvent",
    activity="security",
    subjects=[S.LEARNERS, S.STAFF, S.VISITORS],
    fields={
        "actor": C.ACTIVITY,
        "object_id": C.ACTIVITY,
        "object_repr": C.ACTIVITY,
        "summary": C.ACTIVITY,
        "changes": C.ONLINE_IDENTIFIERS,  # throttling events hold keyed hashes of addresses
        "at": C.ACTIVITY,
    },
    retention=_("kept: the audit log is append-only (accountability, GDPR Art. 5(2)); it names people by number only"),
)

# -- reference (the alliance's and the EU's vocabularies) ---------------------------------------------------

declare_no_personal_data(
    "reference.Institution",
    "reference.EducationalPrinciple",
    "reference.ContentArea",
    "reference.StrategicTarget",
    "reference.EqfLevel",
    "reference.IscedField",
    "reference.EctsRule",
    "reference.PolicyVersion",
    "reference.EuropassConcept",
    "reference.FrameworkCompetence",
    "reference.EscoSkillGroup",
    "reference.EscoSkill",
    "reference.EscoOccupation",
    "reference.OccupationSkill",
    "reference.EscoSkillLabel",
    "reference.EscoOccupationLabel",
    "reference.EscoSkillSearchTerm",
    "reference.EscoOccupationSearchTerm",
    reason=_("reference data about organisations, skills and qualifications"),
)

# -- proposals -----------------------------------------------------------------------------------------------

declare(
    "proposals.Call",
    activity="proposals",
    subjects=[S.STAFF],
    fields={"created_by": C.ACTIVITY, "panel_members": C.CONTRIBUTIONS},
    retention=KEPT_AS_RECORD,
)
declare(
    "proposals.Proposal",
    activity="proposals",
    subjects=[S.STAFF],
    fields={"proposer": C.CONTRIBUTIONS, "institution": C.ROLES, "conditions": C.CONTRIBUTIONS},
    retention=KEPT_AS_RECORD,
)
declare(
    "proposals.CoProposer",
    activity="proposals",
    subjects=[S.STAFF],
    fields={"person": C.CONTRIBUTIONS, "added_by": C.ACTIVITY, "added_at": C.ACTIVITY},
    retention=KEPT_AS_RECORD,
)
declare_no_personal_data(
    "proposals.ProposalVersion",
    "proposals.PrincipleAlignment",
    "proposals.LearningOutcome",
    "proposals.AgendaItem",
    reason=_("the content of a proposal; its author is on the proposal"),
)
declare(
    "proposals.SupportingDocument",
    activity="proposals",
    subjects=[S.STAFF],
    fields={"uploaded_by": C.ACTIVITY, "file": C.CONTRIBUTIONS, "original_name": C.CONTRIBUTIONS},
    retention=KEPT_AS_RECORD,
)
declare(
    "proposals.ProposalEvent",
    activity="proposals",
    subjects=[S.STAFF],
    fields={"actor": C.ACTIVITY, "comment": C.CONTRIBUTIONS, "at": C.ACTIVITY},
    retention=KEPT_AS_RECORD,
)
declare(
    "proposals.InstitutionalApproval",
    activity="proposals",
    subjects=[S.STAFF],
    fields={"approved_by": C.ACTIVITY, "approved_at": C.ACTIVITY},
    retention=KEPT_AS_RECORD,
)
declare(
    "proposals.Review",
    activity="proposals",
    subjects=[S.STAFF],
    fields={
        "author": C.CONTRIBUTIONS,
        "comment": C.CONTRIBUTIONS,
        "recommendation": C.CONTRIBUTIONS,
        "panel_score": C.CONTRIBUTIONS,
    },
    retention=KEPT_AS_RECORD,
)
declare(
    "proposals.Meeting",
    activity="proposals",
    subjects=[S.STAFF],
    fields={"created_by": C.ACTIVITY, "attendees": C.CONTRIBUTIONS, "minutes": C.CONTRIBUTIONS},
    retention=KEPT_AS_RECORD,
)
declare(
    "proposals.AgendaPaper",
    activity="proposals",
    subjects=[S.STAFF],
    fields={
        "presenter": C.CONTRIBUTIONS,
        "added_by": C.ACTIVITY,
        "noted_by": C.ACTIVITY,
        "noted_minutes": C.CONTRIBUTIONS,
    },
    retention=KEPT_AS_RECORD,
    not_personal={"file": _("a report to the meeting, about micro-credentials, not people")},
)
declare(
    "proposals.Decision",
    activity="proposals",
    subjects=[S.STAFF],
    fields={"decided_by": C.ACTIVITY, "rationale": C.CONTRIBUTIONS},
    retention=KEPT_AS_RECORD,
)
declare(
    "proposals.ApprovalCondition",
    activity="proposals",
    subjects=[S.STAFF],
    fields={
        "report": C.CONTRIBUTIONS,
        "reported_by": C.ACTIVITY,
        "reported_at": C.ACTIVITY,
        "confirmed_by": C.ACTIVITY,
        "confirmed_at": C.ACTIVITY,
        "reopen_reason": C.CONTRIBUTIONS,
        "reopened_by": C.ACTIVITY,
        "reopened_at": C.ACTIVITY,
    },
    retention=KEPT_AS_RECORD,
)

# -- quality (the council report and its recommendations, policy 7.25) ------------------------------------------

declare(
    "quality.CouncilReport",
    activity="proposals",
    subjects=[S.STAFF],
    fields={"created_by": C.ACTIVITY},
    retention=KEPT_AS_RECORD,
    not_personal={"paper": _("the report's PDF: survey results added up, never below 5 responses")},
)
declare(
    "quality.Recommendation",
    activity="proposals",
    subjects=[S.STAFF],
    fields={"created_by": C.ACTIVITY, "closed_by": C.ACTIVITY, "reason": C.CONTRIBUTIONS},
    retention=KEPT_AS_RECORD,
)

# -- catalogue -----------------------------------------------------------------------------------------------

declare_no_personal_data(
    "catalogue.MicroCredential",
    "catalogue.MicroCredentialVersion",
    "catalogue.CatalogueFacet",
    reason=_("the published description of a micro-credential"),
)
declare(
    "catalogue.MicroCredentialTranslation",
    activity="catalogue",
    subjects=[S.STAFF],
    fields={"updated_by": C.ACTIVITY, "updated_at": C.ACTIVITY},
    retention=KEPT_AS_RECORD,
)
declare(
    "catalogue.CategoryOverview",
    activity="catalogue",
    subjects=[S.STAFF],
    fields={"created_by": C.ACTIVITY, "body": C.CONTRIBUTIONS},
    retention=KEPT_AS_RECORD,
)

# -- pathways (issue #12; policy 5.12) ------------------------------------------------------------------------

declare_no_personal_data(
    "pathways.Pathway",
    "pathways.PathwayVersion",
    "pathways.PathwayComponent",
    "pathways.PathwayProposal",
    "pathways.PathwayDraft",
    reason=_("the published description of a pathway and the content of its proposal; its author is on the proposal"),
)
declare(
    "pathways.PathwayAward",
    activity="credentials",
    subjects=[S.LEARNERS, S.STAFF],
    fields={"learner": C.IDENTITY, "evidence": C.EDUCATION, "revoked_components": C.EDUCATION},
    retention=EDUCATION_RECORD,
)
declare(
    "pathways.AwardRun",
    activity="credentials",
    subjects=[S.STAFF],
    fields={"requested_by": C.ACTIVITY, "errors": C.EDUCATION},
    retention=KEPT_AS_RECORD,
)

# -- learning ------------------------------------------------------------------------------------------------

declare(
    "learning.Offering",
    activity="learning",
    subjects=[S.STAFF],
    fields={"created_by": C.ACTIVITY, "assessors": C.ROLES},
    retention=KEPT_AS_RECORD,
)
declare(
    "learning.OfferingAssessor",
    activity="learning",
    subjects=[S.STAFF],
    fields={"user": C.ROLES, "assigned_by": C.ACTIVITY, "assigned_at": C.ACTIVITY},
    retention=KEPT_AS_RECORD,
)
declare(
    "learning.Enrolment",
    activity="learning",
    subjects=[S.LEARNERS],
    fields={
        "learner": C.EDUCATION,
        "status": C.EDUCATION,
        "prerequisites_acknowledged": C.EDUCATION,
        "created_at": C.EDUCATION,
        "waitlisted_at": C.EDUCATION,
        "enrolled_at": C.EDUCATION,
        "promoted_at": C.EDUCATION,
        "cancelled_at": C.EDUCATION,
    },
    retention=EDUCATION_RECORD,
)
declare(
    "learning.Result",
    activity="learning",
    subjects=[S.LEARNERS, S.STAFF],
    fields={
        "learner": C.EDUCATION,
        "participated": C.EDUCATION,
        "outcome": C.EDUCATION,
        "grade": C.EDUCATION,
        "evidence_url": C.EDUCATION,
        "assessed_on": C.EDUCATION,
        "recorded_by": C.ACTIVITY,
    },
    retention=EDUCATION_RECORD,
)
declare(
    "learning.ResultImport",
    activity="learning",
    subjects=[S.LEARNERS, S.STAFF],
    fields={"uploaded_by": C.ACTIVITY, "rows": C.EDUCATION, "errors": C.EDUCATION, "filename": C.ACTIVITY},
    retention=_(
        "a confirmed upload is kept with its results; one never confirmed is deleted by the retention schedule"
    ),
    rule="result_import_previews",
)

# -- credentials ---------------------------------------------------------------------------------------------

declare(
    "credentials.Issuer",
    activity="credentials",
    subjects=[],
    fields={},
    retention=_("not personal data"),
    not_personal={"did": _("the decentralised identifier of an issuing organisation, not of a person")},
)
declare(
    "credentials.IssuerSignatory",
    activity="credentials",
    subjects=[S.STAFF],
    fields={"name": C.IDENTITY, "title": C.ROLES, "signature": C.IDENTITY},
    retention=_(
        "kept while certificates of the credentials awarded during the officer's term may be printed; removed by "
        "the alliance admin on the admin site"
    ),
)
declare_no_personal_data(
    "credentials.IssuerKey",
    "credentials.StatusList",
    reason=_("issuers' keys and status lists (one bit per credential)"),
)
declare_no_personal_data(
    "seals.SealCertificate",
    reason=_("issuers' electronic-seal certificates and their sealed keys (they name organisations)"),
)
declare_no_personal_data(
    "seals.TrustedSealAuthority",
    reason=_("certification authorities trusted for other issuers' seals (they name organisations)"),
)
declare(
    "credentials.TrustedRegistry",
    activity="credentials",
    subjects=[],
    fields={},
    retention=_("not personal data"),
    not_personal={
        "signer_did": _("the decentralised identifier of the organisation that signs another alliance's registry")
    },
)
declare(
    "credentials.IssuedCredential",
    activity="credentials",
    subjects=[S.LEARNERS, S.STAFF],
    fields={
        "learner": C.IDENTITY,
        "learner_name": C.IDENTITY,
        "learner_email": C.CONTACT,
        "learner_did": C.ONLINE_IDENTIFIERS,
        "grade": C.EDUCATION,
        "awarded_on": C.EDUCATION,
        "document": C.EDUCATION,
        "issued_by": C.ACTIVITY,
        "revoked_by": C.ACTIVITY,
        "revocation_reason": C.EDUCATION,
    },
    retention=_(
        "kept so that the credential stays verifiable and revocable; the learner's name, e-mail, DID and the "
        "signed copy are removed when the learner erases the account (the status entry stays)"
    ),
)
declare(
    "credentials.HolderBoundCredential",
    activity="credentials",
    subjects=[S.LEARNERS],
    fields={"holder_did": C.ONLINE_IDENTIFIERS, "document": C.EDUCATION},
    retention=_(
        "kept so that the copy stays revocable; its DID and signed copy are removed when the account is erased"
    ),
)
declare(
    "credentials.IssuanceJob",
    activity="credentials",
    subjects=[S.LEARNERS, S.STAFF],
    fields={"requested_by": C.ACTIVITY, "errors": C.EDUCATION, "enrolment_ids": C.EDUCATION},
    retention=KEPT_AS_RECORD,
)
declare(
    "credentials.VerificationRecord",
    activity="credentials",
    subjects=[S.LEARNERS, S.STAFF],
    fields={
        "credential_id": C.EDUCATION,
        "document_sha256": C.EDUCATION,
        "checks": C.EDUCATION,
        "reason": C.EDUCATION,
        "purpose": C.EDUCATION,
        "verified_by": C.ACTIVITY,
    },
    retention=KEPT_AS_RECORD,
)
declare(
    "credentials.IssuanceJobItem",
    activity="credentials",
    subjects=[S.LEARNERS],
    fields={"enrolment_id": C.EDUCATION, "credential": C.EDUCATION, "error": C.EDUCATION},
    retention=KEPT_AS_RECORD,
)

# -- outbox --------------------------------------------------------------------------------------------------

declare(
    "outbox.OutboxMessage",
    activity="communication",
    subjects=[S.LEARNERS, S.STAFF],
    fields={"payload": C.COMMUNICATION, "last_error": C.CONTACT, "key": C.COMMUNICATION},
    retention=_(
        "kept as the proof that each e-mail was sent once (it holds record numbers, not the text); error messages "
        "cleared by the retention schedule"
    ),
    rule="outbox_errors",
)
not_in_export("outbox", reason="record numbers of e-mails already sent to the learner, not their text")

# -- oid4vci -------------------------------------------------------------------------------------------------

declare(
    "oid4vci.CredentialOffer",
    activity="wallet",
    subjects=[S.LEARNERS],
    fields={"created_by": C.ACTIVITY, "credential": C.EDUCATION},
    retention=_("an offer never used is deleted by the retention schedule; a used one is kept with its delivery"),
    rule="wallet_offers",
)
declare(
    "oid4vci.AccessToken",
    activity="wallet",
    subjects=[S.LEARNERS],
    fields={"token_hash": C.AUTHENTICATION},
    retention=_("deleted by the retention schedule after it expired"),
    rule="wallet_access_tokens",
)
declare(
    "oid4vci.Delivery",
    activity="wallet",
    subjects=[S.LEARNERS],
    fields={
        "holder_did": C.ONLINE_IDENTIFIERS,
        "holder_jwk": C.ONLINE_IDENTIFIERS,
        "holder_jwk_thumbprint": C.ONLINE_IDENTIFIERS,
        "delivered_at": C.ACTIVITY,
    },
    retention=_(
        "kept with the credential (the record of what was sent to which wallet); deleted when the account is erased"
    ),
)

# -- exchanges ----------------------------------------------------------------------------------------------

declare(
    "exchanges.Exchange",
    activity="wallet",
    subjects=[S.LEARNERS],
    fields={
        "learner": C.ACTIVITY,
        "credential": C.EDUCATION,
        "holder_did": C.ONLINE_IDENTIFIERS,
        "created_at": C.ACTIVITY,
        "completed_at": C.ACTIVITY,
    },
    retention=_(
        "kept with the credential (the record of what was sent to which wallet); deleted when the account is erased"
    ),
)

# -- wallet --------------------------------------------------------------------------------------------------

declare(
    "wallet.ReceivedCredential",
    activity="wallet",
    subjects=[S.LEARNERS],
    fields={
        "learner": C.EDUCATION,
        "document": C.EDUCATION,
        "digest": C.EDUCATION,
        "credential_id": C.EDUCATION,
        "title": C.EDUCATION,
        "issued_on": C.EDUCATION,
        "subject_basis": C.EDUCATION,
        "checks": C.EDUCATION,
        "reason": C.EDUCATION,
    },
    retention=_("until the learner removes it from her wallet, or erases her account"),
)
declare(
    "wallet.ShareLink",
    activity="wallet",
    subjects=[S.LEARNERS, S.VISITORS],
    fields={"created_by": C.ACTIVITY, "label": C.COMMUNICATION, "views": C.ACTIVITY, "credential": C.EDUCATION},
    retention=_("while the link works; deleted by the retention schedule after it was withdrawn or expired"),
    rule="share_links",
)

# -- privacy -------------------------------------------------------------------------------------------------

declare(
    "privacy.PrivacyNotice",
    activity="administration",
    subjects=[S.STAFF],
    fields={"created_by": C.ACTIVITY, "published_by": C.ACTIVITY},
    retention=_("kept: every published version can be shown again"),
)
declare_no_personal_data("privacy.PrivacyNoticeText", reason=_("the text of a privacy notice"))
declare(
    "privacy.NoticeReceipt",
    activity="accounts",
    subjects=[S.LEARNERS, S.STAFF],
    fields={"user": C.ACCOUNT, "notice": C.ACCOUNT, "occasion": C.ACCOUNT, "language": C.ACCOUNT, "at": C.ACCOUNT},
    retention=_("for the life of the account (the proof of what the person was told, GDPR Art. 5(2))"),
)

# -- operations ----------------------------------------------------------------------------------------------

declare_no_personal_data(
    "operations.ScheduledRun", reason=_("when each periodic job last ran, and the lease that keeps it from overlapping")
)
