"""Issuers, their keys, revocation status lists and issued credentials (see this app's README.md).

* One Issuer per member institution plus one for the alliance (its `Institution.is_alliance` row).
  The issuer's `did:web` identifier is fixed when the issuer is created (from PUBLIC_BASE_URL) and
  never changes afterwards: credentials carry it.
* IssuerKey: Ed25519, private half sealed with the KEK (keys.py); exactly one active key per issuer;
  retired keys stay in the DID document so earlier credentials keep verifying.
* IssuerSignatory: the officers whose names, roles and signature pictures the issuer's PDF certificates show
  (at most three active, edited on the admin site).
* StatusList: a Bitstring Status List (revocation), published as a signed credential.
* IssuedCredential: one per completion (`completion_key` unique), with its random status index, linked to the
  learner's account and to what it is awarded for (its achievement source, credentials/sources.py).
* HolderBoundCredential: a copy of an issued credential bound to a wallet's key (OpenID4VCI delivery):
  the same award, its own id and status index, revoked together with the original.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import now as django_now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from microcred import vc

# The achievement source of every credential issued so far (credentials.sources.MicroCredentialVersionSource).
MICRO_CREDENTIAL_VERSION = "catalogue.MicroCredentialVersion"

# An issued credential's standing (IssuedCredential.standing), as its holder's wallet and its certificate show it.
VALID, REVOKED, EXPIRED = "valid", "revoked", "expired"


class Issuer(models.Model):
    institution = models.OneToOneField(
        "reference.Institution", on_delete=models.PROTECT, related_name="issuer", verbose_name=_("institution")
    )
    slug = models.SlugField(_("address"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    did = models.CharField(_("DID"), max_length=300, unique=True, help_text=_("did:web identifier; never changes."))
    # The Data Integrity cryptosuite of this issuer's new credentials (issue #18): eddsa-rdfc-2022 by default,
    # eddsa-jcs-2022 for verifiers that do not canonicalize RDF. Credentials already issued keep their own proof.
    cryptosuite = models.CharField(
        _("proof format"),
        max_length=20,
        choices=[
            ("eddsa-rdfc-2022", "eddsa-rdfc-2022 (RDF Dataset Canonicalization)"),
            ("eddsa-jcs-2022", "eddsa-jcs-2022 (JSON Canonicalization Scheme)"),
        ],
        default="eddsa-rdfc-2022",
        help_text=_("The cryptosuite of the proof on the credentials this issuer signs from now on."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("issuer")
        verbose_name_plural = _("issuers")

    def __str__(self) -> str:
        return self.name

    @property
    def is_alliance(self) -> bool:
        return self.institution.is_alliance

    @property
    def did_document_url(self) -> str:
        return vc.did_web_document_url(self.did)


class IssuerKey(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="keys")
    number = models.PositiveIntegerField(_("key number"))
    algorithm = models.CharField(max_length=20, default="Ed25519", editable=False)
    public_key_multibase = models.CharField(_("public key (Multikey)"), max_length=100, unique=True)
    # AES-256-GCM sealed 32-byte seed: "aesgcm1$<kek id>$<base64url>". Never the key in clear.
    sealed_private_key = models.CharField(max_length=200, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["issuer", "number"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "number"], name="issuer_key_number_unique"),
            models.UniqueConstraint(fields=["issuer"], condition=Q(status="active"), name="one_active_key_per_issuer"),
            models.CheckConstraint(condition=Q(status__in=["active", "retired"]), name="issuer_key_status_valid"),
        ]
        verbose_name = _("issuer key")
        verbose_name_plural = _("issuer keys")

    def __str__(self) -> str:
        return f"{self.issuer.slug} key-{self.number} ({self.status})"

    def __repr__(self) -> str:  # never show the sealed value either
        return f"<IssuerKey {self.issuer_id}#key-{self.number} {self.status}>"

    @property
    def fragment(self) -> str:
        return f"key-{self.number}"

    @property
    def verification_method_id(self) -> str:
        return f"{self.issuer.did}#{self.fragment}"

    @property
    def associated_data(self) -> str:
        """Binds the sealed key to its issuer and number (AES-GCM associated data)."""
        return f"microcred:issuer-key:v1:{self.issuer.slug}:{self.number}"


class IssuerSignatory(models.Model):
    """An officer whose name, role and (optionally) a picture of whose signature the issuer's PDF certificates
    show (issue #16), left to right by ``order``; at most ``MAX_SHOWN`` signing on any one day. The picture
    decorates a printout: the credential itself is signed with the issuer's key. Without a signatory the
    certificate shows the issuer's name and says it is digitally signed and sealed, never an invented signature.

    A certificate shows the officers in office on the day its credential was awarded (``serves_from`` to
    ``serves_until``, both days included, either open), so that a certificate printed after a new rector takes
    office still shows the rector who awarded it. ``active`` off hides a signatory from every certificate."""

    MAX_SHOWN = 3

    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="signatories", verbose_name=_("issuer"))
    order = models.PositiveSmallIntegerField(_("order"), default=1, help_text=_("Left to right on the certificate."))
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(
        _("role title"), max_length=200, help_text=_("As it should be printed, for example: Rector.")
    )
    # A PNG checked and normalised by services/signatories.normalise_signature; None: no picture, the name only.
    signature = models.BinaryField(_("signature image (PNG)"), null=True, blank=True, editable=False)
    signature_updated_at = models.DateTimeField(_("signature image uploaded"), null=True, blank=True, editable=False)
    active = models.BooleanField(_("shown on certificates"), default=True)
    serves_from = models.DateField(
        _("signs from"),
        null=True,
        blank=True,
        help_text=_("The first day of the term. Empty: signs every credential awarded up to the term's end."),
    )
    serves_until = models.DateField(
        _("signs until"),
        null=True,
        blank=True,
        help_text=_(
            "The last day of the term. Empty: still in office. When someone hands over, set this rather than "
            "deleting them: the certificates of credentials awarded during their term keep showing them."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["issuer", "order", "id"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")

    def __str__(self) -> str:
        return f"{self.name} ({self.title})"

    @property
    def has_signature(self) -> bool:
        return bool(self.signature)


class StatusList(models.Model):
    class Purpose(models.TextChoices):
        REVOCATION = "revocation", _("Revocation")

    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="status_lists")
    number = models.PositiveIntegerField(_("list number"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.REVOCATION)
    length = models.PositiveIntegerField(_("entries"), default=vc.MIN_ENTRIES)
    url = models.URLField(_("URL"), max_length=300, unique=True, help_text=_("Fixed at creation."))
    encoded_list = models.TextField(_("encoded list"))
    credential = models.JSONField(_("published (signed) status list credential"), default=dict)
    etag = models.CharField(max_length=80, blank=True)
    entries_taken = models.PositiveIntegerField(
        _("entries taken"),
        default=0,
        editable=False,
        help_text=_("Credentials and holder-bound copies given an index on this list; counted as they are stored."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["issuer", "number"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "number", "purpose"], name="status_list_number_unique"),
            models.CheckConstraint(condition=Q(length__gte=vc.MIN_ENTRIES), name="status_list_min_length"),
        ]
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")

    def __str__(self) -> str:
        return f"{self.issuer.slug}/{self.number} ({self.purpose})"


class IssuedCredential(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    completion_key = models.CharField(
        _("completion key"), max_length=200, unique=True, help_text=_("One completion yields one credential.")
    )
    # What the credential is awarded for (credentials.sources): the model label and primary key of its
    # achievement source. A micro-credential version is also linked directly (catalogue pages, certificates).
    source_type = models.CharField(_("awarded for (kind)"), max_length=100, default=MICRO_CREDENTIAL_VERSION)
    source_id = models.PositiveBigIntegerField(_("awarded for (number)"))
    micro_credential_version = models.ForeignKey(
        "catalogue.MicroCredentialVersion",
        on_delete=models.PROTECT,
        related_name="issued_credentials",
        null=True,
        blank=True,
    )
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="credentials")
    # The learner's account, when the credential was issued to one: the holder is the account, whatever its
    # e-mail address becomes. Kept (as a number) when the account is erased.
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="credentials_received",
        verbose_name=_("learner"),
    )
    issuer_key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="credentials")
    learner_name = models.CharField(_("learner name"), max_length=200)
    learner_email = models.EmailField(_("learner e-mail"))
    learner_did = models.CharField(_("learner DID"), max_length=500, blank=True)
    grade = models.CharField(_("grade"), max_length=50, blank=True)
    awarded_on = models.DateField(_("awarded on"))
    # No index of its own: the unique (status_list, status_index) index starts with it and serves every look-up by
    # list. A second one only misled the planner into scanning a whole list for a batch's 200 indices while the
    # table's statistics lagged behind a large issuance (and cost every insert its upkeep).
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="entries", db_index=False)
    status_index = models.PositiveIntegerField(_("status list index"))
    document = models.JSONField(_("signed credential"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["status_list", "status_index"], name="status_index_unique_per_list"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""), name="revocation_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(source_type=MICRO_CREDENTIAL_VERSION) | Q(micro_credential_version=models.F("source_id")),
                name="issued_credential_version_is_its_source",
            ),
        ]
        indexes = [models.Index(fields=["source_type", "source_id"], name="issued_credential_source")]
        verbose_name = _("issued credential")
        verbose_name_plural = _("issued credentials")

    def __str__(self) -> str:
        version = self.micro_credential_version
        return f"{self.credential_id} ({version.title if version else self.source_type})"

    @property
    def credential_id(self) -> str:
        return f"urn:uuid:{self.uuid}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def valid_until(self) -> datetime | None:
        """The end of its validity as its signed data gives it (VC 2.0, Validity Period: `validUntil`), or None."""
        value = self.document.get("validUntil")
        if value is None:
            return None
        try:
            return vc.parse_datetime_stamp(value)
        except ValueError:
            return None  # not a date a verifier accepts: verification says so; here it has no end to show

    def standing(self, now: datetime | None = None) -> str:
        """REVOKED, EXPIRED (its `validUntil` has passed) or VALID: what the wallet and the certificate show."""
        if self.revoked_at is not None:
            return REVOKED
        end = self.valid_until
        if end is not None and end < (now or django_now()):  # as verification judges it
            return EXPIRED
        return VALID

    @property
    def title(self) -> str:
        """What it is for: the micro-credential version's title, else (a pathway, …) the signed credential's name."""
        version = self.micro_credential_version
        if version is not None:
            return version.title
        return str(self.document.get("name") or "")

    @property
    def learning_outcomes(self) -> list:
        """The micro-credential's learning outcomes (Annex 1); none for other achievements."""
        version = self.micro_credential_version
        return version.annex.learning_outcomes if version is not None else []


class HolderBoundCredential(models.Model):
    """An issued credential as delivered to a wallet app, bound to the key the wallet proved it holds.

    The award is the original's (achievement, results, dates, issuer, learner); `credentialSubject.id` is the
    holder's DID, the credential `id` is new and so is the status entry, on the issuer's revocation list like
    any other (OpenID4VCI 1.0 §8.1 cryptographic key binding; VC 2.0 §4.8 Credential Subject). One copy per
    original and holder DID: a wallet that asks again with the same key receives the same copy. Revoking the
    original revokes every copy (credentials.services.status.revoke_credential).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    original = models.ForeignKey(
        IssuedCredential, on_delete=models.PROTECT, related_name="bound_copies", verbose_name=_("original credential")
    )
    # The holder's DID (did:key of the proven key). Pseudonymous personal data: never written to the audit log.
    holder_did = models.CharField(_("holder DID"), max_length=500)
    issuer_key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="bound_copies")
    # No index of its own, as IssuedCredential.status_list: the unique (status_list, status_index) index serves.
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="bound_entries", db_index=False)
    status_index = models.PositiveIntegerField(_("status list index"))
    document = models.JSONField(_("signed credential"))
    issued_at = models.DateTimeField(_("issued at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["status_list", "status_index"], name="bound_status_index_unique_per_list"),
            # An erased account leaves its copies with no holder DID, so the rule covers bound copies only.
            models.UniqueConstraint(
                fields=["original", "holder_did"], condition=~Q(holder_did=""), name="one_bound_copy_per_holder_did"
            ),
        ]
        verbose_name = _("holder-bound copy")
        verbose_name_plural = _("holder-bound copies")

    def __str__(self) -> str:
        return f"{self.credential_id} (copy of {self.original.credential_id})"

    @property
    def credential_id(self) -> str:
        return f"urn:uuid:{self.uuid}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class IssuanceJob(models.Model):
    """A background run issuing the credentials of a list of completions, usually one offering's (progress
    shown in the page).

    * One at a time per offering: at most one queued or running job per offering (a database constraint).
    * Restartable: each completion is issued, recorded as an IssuanceJobItem and counted in one transaction,
      so a job killed half-way and run again (redelivered by the broker, resumed from the page) carries on
      where it stopped and ends with each credential issued and counted once.
    * One runner at a time: the worker running it holds a lease (``runner``, renewed in ``heartbeat_at`` with
      every completion); another delivery of the same job takes over only when the lease has gone stale.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Finished with errors")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    # An offering's job issues its completions; a job not tied to an offering names its achievement source
    # (credentials.sources) and its issuer instead. One of the two is always there.
    offering = models.ForeignKey(
        "learning.Offering", on_delete=models.PROTECT, related_name="issuance_jobs", null=True, blank=True
    )
    source_type = models.CharField(max_length=100, blank=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Whose credential officers may follow and run it (selectors.job_issuer; jobs queued before it was
    # recorded go by their offering's version).
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="issuance_jobs", null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    issued = models.PositiveIntegerField(default=0)
    already_issued = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    enrolment_ids = models.JSONField(default=list, help_text="The completions this job issues, fixed when queued.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    runner = models.CharField(max_length=64, blank=True, help_text="The lease of the worker running the job.")
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="The runner's last sign of progress.")
    runs = models.PositiveIntegerField(default=0, help_text="How many times a worker started or resumed the job.")
    interrupted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the job was found stopped without finishing (its worker was lost)."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["offering"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_issuance_job_per_offering",
            ),
            models.CheckConstraint(
                condition=Q(offering__isnull=False)
                | (Q(source_id__isnull=False) & ~Q(source_type="") & Q(issuer__isnull=False)),
                name="issuance_job_has_offering_or_source",
            ),
        ]

    def __str__(self) -> str:
        return f"issuance job #{self.pk}"

    @property
    def processed(self) -> int:
        return self.issued + self.already_issued + self.failed

    @property
    def remaining(self) -> int:
        return max(self.total - self.processed, 0)

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.processed / self.total)

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    def progress(self) -> dict:
        """What the progress bar and the API show."""
        return {
            "id": self.pk,
            "offering": self.offering_id,
            "status": self.status,
            "status_label": str(self.get_status_display()),
            "total": self.total,
            "issued": self.issued,
            "already_issued": self.already_issued,
            "failed": self.failed,
            "percent": self.percent,
            "errors": self.errors,
        }


class IssuanceJobItem(models.Model):
    """What a job did with one completion, written in the transaction that issued (or failed) it."""

    class Outcome(models.TextChoices):
        # A context: "Issued" alone is also the column of issue dates in the staff list of credentials.
        ISSUED = "issued", pgettext_lazy("outcome of issuing one completion", "Issued")
        ALREADY_ISSUED = "already_issued", _("Already issued")
        FAILED = "failed", _("Failed")

    job = models.ForeignKey(IssuanceJob, on_delete=models.CASCADE, related_name="items")
    enrolment_id = models.PositiveBigIntegerField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    credential = models.ForeignKey(IssuedCredential, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    error = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["job", "enrolment_id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "enrolment_id"], name="issuance_job_item_once"),
            models.CheckConstraint(
                condition=Q(outcome="failed") | Q(credential__isnull=False), name="issuance_job_item_has_credential"
            ),
        ]


class VerificationRecord(models.Model):
    """A verification kept because someone asked (services.verification.verify_and_record): what was verified,
    by whom and when, and what each check found. A recognition decision cites it.

    The credential itself is not kept (it names the learner): only its id, a SHA-256 hash of the document as
    it was given (so the same document can be recognised later), its issuer and title as its signed data say.
    Records are never changed; they are evidence.
    """

    class Result(models.TextChoices):
        VALID = "valid", _("Valid")
        INVALID = "invalid", _("Not valid")
        COULD_NOT_CHECK = "could_not_check", _("Could not be checked")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    credential_id = models.CharField(_("credential id"), max_length=500, blank=True)
    document_sha256 = models.CharField(_("SHA-256 of the document"), max_length=64)
    issuer_id = models.CharField(_("issuer id"), max_length=500, blank=True)
    issuer_name = models.CharField(_("issuer"), max_length=300, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    reason = models.TextField(_("reason"), blank=True)
    checks = models.JSONField(_("checks"), default=list)
    purpose = models.CharField(_("kept for"), max_length=200, blank=True)
    verified_at = models.DateTimeField(_("verified at"))
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-verified_at", "-id"]
        indexes = [models.Index(fields=["credential_id"], name="verification_record_credential")]
        constraints = [
            models.CheckConstraint(
                condition=Q(result__in=["valid", "invalid", "could_not_check"]), name="verification_record_result"
            ),
        ]
        verbose_name = _("verification record")
        verbose_name_plural = _("verification records")

    def __str__(self) -> str:
        return f"verification {self.uuid} of {self.credential_id or 'a document'} ({self.result})"


class TrustedRegistry(models.Model):
    """An issuer registry of another alliance that our verifier consults (issue #18 item 5): a signed
    IssuerRegistryCredential at ``url`` (services/trust_registry.py), whose proof must be made by
    ``signer_did``. Our own registry is trusted implicitly and is not a row. Edited by the alliance admin on the
    admin site; every addition, change and removal is audited (``trusted_registry.*``)."""

    name = models.CharField(
        _("name"), max_length=200, help_text=_("How the verdict names it, for example the other alliance's name.")
    )
    url = models.URLField(
        _("address of the signed registry"),
        max_length=500,
        unique=True,
        help_text=_("HTTPS address of the registry as a signed credential (such as …/trust/registry.vc.json)."),
    )
    signer_did = models.CharField(
        _("expected signer (DID)"),
        max_length=300,
        help_text=_("The did:web identifier whose key must have signed the registry; any other signer is refused."),
    )
    enabled = models.BooleanField(_("consulted"), default=True)
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("trusted issuer registry")
        verbose_name_plural = _("trusted issuer registries")

    def __str__(self) -> str:
        return self.name
