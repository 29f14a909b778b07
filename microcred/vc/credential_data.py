"""What a verifiable credential says, read from its RDF dataset: the data the Data Integrity proof covers.

A verifier must never read a fact it checks or shows a person from the JSON members: the proof covers the
RDF dataset, and several JSON documents have the same dataset (a member written under its full IRI, under
an alias from an inline ``@context``, an array reordered, ``{"@value": …}`` forms). Reading
``document["credentialStatus"]`` would let anyone rename that member and make a revoked credential look
unrevocable without touching the signature. So :func:`read_credential` reads the facts from the quads that
:func:`microcred.vc.verify` returns (``result.dataset``): whatever the JSON looks like, the facts are the
ones the issuer signed.

Vocabulary (IRIs, not JSON keys): VC Data Model 2.0 (``https://www.w3.org/2018/credentials#``), Bitstring
Status List 1.0 (``https://www.w3.org/ns/credentials/status#``), Open Badges 3.0
(``https://purl.imsglobal.org/spec/vc/ob/vocab.html#``) and schema.org. Only the default graph is read
(embedded proofs of endorsements live in named graphs).

Values that RDF holds as sets come back as sorted tuples, so the result never depends on the order of a
JSON array. Deciding what several values mean (two ``validUntil`` dates, two issuers) is left to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .exceptions import VCError
from .rdf import Quad, _unescape

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
CRED = "https://www.w3.org/2018/credentials#"
STATUS = "https://www.w3.org/ns/credentials/status#"
OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
SCHEMA = "https://schema.org/"

RDF_TYPE = RDF + "type"
XSD_STRING = XSD + "string"
RDF_LANG_STRING = RDF + "langString"

VERIFIABLE_CREDENTIAL = CRED + "VerifiableCredential"
#: Open Badges 3.0 credential types (``AchievementCredential`` is an alias of ``OpenBadgeCredential`` in the
#: 3.0.3 context, a type of its own in earlier ones).
OPEN_BADGE_CREDENTIAL_TYPES = frozenset({OB + "OpenBadgeCredential", OB + "AchievementCredential"})
BITSTRING_STATUS_LIST_ENTRY = STATUS + "BitstringStatusListEntry"


class CredentialDataError(VCError):
    """The signed data cannot be read as one credential (for example, it holds several)."""

    default_message = "The signed data does not describe exactly one verifiable credential."


@dataclass(frozen=True, order=True)
class Literal:
    """An RDF literal: its lexical form, datatype IRI and language tag ("" when none)."""

    value: str
    datatype: str = XSD_STRING
    language: str = ""


def parse_literal(term: str) -> Literal:
    """The :class:`Literal` of a canonical N-Quads literal term (``"x"``, ``"x"@en``, ``"x"^^<dt>``)."""
    end = term.rfind('"')
    if not term.startswith('"') or end <= 0:
        raise CredentialDataError(f"{term[:60]!r} is not an RDF literal.")
    value = _unescape(term[1:end], 0, allow_echar=True)
    rest = term[end + 1 :]
    if rest.startswith("@"):
        return Literal(value, RDF_LANG_STRING, rest[1:])
    if rest.startswith("^^<") and rest.endswith(">"):
        return Literal(value, rest[3:-1])
    return Literal(value)


class Graph:
    """The default graph of a dataset, indexed by subject: ``graph.objects(subject, predicate)``."""

    __slots__ = ("_by_subject", "_objects")

    def __init__(self, quads):
        by_subject: dict[str, dict[str, list[str]]] = {}
        objects: set[str] = set()
        for s, p, o, g in quads:
            if g:
                continue
            by_subject.setdefault(s, {}).setdefault(p[1:-1], []).append(o)
            objects.add(o)
        self._by_subject = by_subject
        self._objects = objects

    def subjects(self):
        return self._by_subject.keys()

    def objects(self, subject: str, predicate: str) -> tuple[str, ...]:
        """The object terms of ``subject predicate ?`` (canonical N-Quads terms), sorted and distinct."""
        return tuple(sorted(set(self._by_subject.get(subject, {}).get(predicate, ()))))

    def iris(self, subject: str, predicate: str) -> tuple[str, ...]:
        """The objects that are IRIs, without angle brackets."""
        return tuple(o[1:-1] for o in self.objects(subject, predicate) if o[0] == "<")

    def nodes(self, subject: str, predicate: str) -> tuple[str, ...]:
        """The objects that are nodes (IRIs or blank nodes), as terms."""
        return tuple(o for o in self.objects(subject, predicate) if o[0] != '"')

    def literals(self, subject: str, predicate: str) -> tuple[Literal, ...]:
        return tuple(sorted(parse_literal(o) for o in self.objects(subject, predicate) if o[0] == '"'))

    def texts(self, subject: str, predicate: str) -> tuple[str, ...]:
        """The lexical forms of the literal objects, sorted and distinct."""
        return tuple(sorted({lit.value for lit in self.literals(subject, predicate)}))

    def types(self, subject: str) -> frozenset[str]:
        return frozenset(self.iris(subject, RDF_TYPE))

    def is_object(self, term: str) -> bool:
        return term in self._objects


def term_id(term: str) -> str:
    """The identifier of a node term: the IRI without brackets, or "" for a blank node."""
    return term[1:-1] if term.startswith("<") else ""


@dataclass(frozen=True)
class StatusEntry:
    """One ``credentialStatus`` entry (Bitstring Status List 1.0 §2.1 when of that type)."""

    id: str
    types: frozenset[str]
    purposes: tuple[str, ...]
    indexes: tuple[str, ...]
    list_urls: tuple[str, ...]
    sizes: tuple[str, ...] = ()

    @property
    def is_bitstring_entry(self) -> bool:
        return BITSTRING_STATUS_LIST_ENTRY in self.types


@dataclass(frozen=True)
class Alignment:
    names: tuple[str, ...]
    urls: tuple[str, ...]
    frameworks: tuple[str, ...]
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Achievement:
    id: str
    types: frozenset[str]
    names: tuple[str, ...]
    descriptions: tuple[str, ...]
    criteria: tuple[str, ...]
    credits_available: tuple[str, ...]
    alignments: tuple[Alignment, ...]


@dataclass(frozen=True)
class Identity:
    """An OB 3.0 ``IdentityObject`` of the subject (``identityHash`` holds the plain value when not hashed)."""

    identity_type: tuple[str, ...]
    identity_hash: tuple[str, ...]
    hashed: tuple[str, ...]


@dataclass(frozen=True)
class Subject:
    id: str
    types: frozenset[str]
    names: tuple[str, ...]
    identities: tuple[Identity, ...]
    achievements: tuple[Achievement, ...]
    result_values: tuple[str, ...]
    credits_earned: tuple[str, ...]

    @property
    def plain_names(self) -> tuple[str, ...]:
        """The learner's names: unhashed ``name`` identities, else the subject's ``name``."""
        names = sorted(
            {
                value
                for identity in self.identities
                if identity.identity_type == ("name",) and identity.hashed != ("true",)
                for value in identity.identity_hash
            }
        )
        return tuple(names) or self.names


@dataclass(frozen=True)
class CredentialData:
    """The facts of one verifiable credential as its signed dataset states them."""

    id: str
    types: frozenset[str]
    names: tuple[str, ...]
    descriptions: tuple[str, ...]
    issuer_ids: tuple[str, ...]
    issuer_names: tuple[str, ...]
    valid_from: tuple[Literal, ...]
    valid_until: tuple[Literal, ...]
    statuses: tuple[StatusEntry, ...]
    subjects: tuple[Subject, ...] = field(default=())

    @property
    def is_open_badge(self) -> bool:
        return VERIFIABLE_CREDENTIAL in self.types and bool(OPEN_BADGE_CREDENTIAL_TYPES & self.types)


def _alignment(graph: Graph, node: str) -> Alignment:
    return Alignment(
        names=graph.texts(node, SCHEMA + "targetName"),
        urls=graph.texts(node, SCHEMA + "targetUrl") or graph.iris(node, SCHEMA + "targetUrl"),
        frameworks=graph.texts(node, SCHEMA + "targetFramework"),
        codes=graph.texts(node, OB + "targetCode"),
    )


def _achievement(graph: Graph, node: str) -> Achievement:
    criteria = tuple(
        sorted({text for c in graph.nodes(node, OB + "Criteria") for text in graph.texts(c, OB + "narrative")})
    )
    return Achievement(
        id=term_id(node),
        types=graph.types(node),
        names=graph.texts(node, SCHEMA + "name"),
        descriptions=graph.texts(node, SCHEMA + "description"),
        criteria=criteria,
        credits_available=graph.texts(node, OB + "creditsAvailable"),
        alignments=tuple(
            sorted(
                (_alignment(graph, a) for a in graph.nodes(node, OB + "alignment")),
                key=lambda a: (a.frameworks, a.names, a.urls, a.codes),
            )
        ),
    )


def _subject(graph: Graph, node: str) -> Subject:
    identities = tuple(
        sorted(
            (
                Identity(
                    identity_type=graph.texts(i, OB + "identityType"),
                    identity_hash=graph.texts(i, OB + "identityHash"),
                    hashed=graph.texts(i, OB + "hashed"),
                )
                for i in graph.nodes(node, OB + "identifier")
            ),
            key=lambda i: (i.identity_type, i.identity_hash, i.hashed),
        )
    )
    results = sorted({value for r in graph.nodes(node, OB + "result") for value in graph.texts(r, SCHEMA + "value")})
    return Subject(
        id=term_id(node),
        types=graph.types(node),
        names=graph.texts(node, SCHEMA + "name"),
        identities=identities,
        achievements=tuple(_achievement(graph, a) for a in graph.nodes(node, OB + "achievement")),
        result_values=tuple(results),
        credits_earned=graph.texts(node, OB + "creditsEarned"),
    )


def _status(graph: Graph, node: str) -> StatusEntry:
    return StatusEntry(
        id=term_id(node),
        types=graph.types(node),
        purposes=graph.texts(node, STATUS + "statusPurpose"),
        indexes=graph.texts(node, STATUS + "statusListIndex"),
        list_urls=graph.iris(node, STATUS + "statusListCredential"),
        sizes=graph.texts(node, STATUS + "statusSize"),
    )


def credential_root(graph: Graph) -> str:
    """The node of the credential: the one ``VerifiableCredential`` that no other node refers to.

    Embedded credentials (an endorsement inside an achievement) are referred to by their parent, so they
    are never the root. No root, or several, raises :class:`CredentialDataError`.
    """
    roots = sorted(s for s in graph.subjects() if VERIFIABLE_CREDENTIAL in graph.types(s) and not graph.is_object(s))
    if not roots:
        raise CredentialDataError("The signed data holds no verifiable credential (no VerifiableCredential type).")
    if len(roots) > 1:
        raise CredentialDataError(
            f"The signed data holds {len(roots)} separate verifiable credentials; which one is meant is ambiguous."
        )
    return roots[0]


def read_credential(quads: list[Quad] | tuple[Quad, ...]) -> CredentialData:
    """The facts of the credential in ``quads`` (a verified ``result.dataset``)."""
    graph = Graph(quads)
    root = credential_root(graph)
    issuers = graph.nodes(root, CRED + "issuer")
    return CredentialData(
        id=term_id(root),
        types=graph.types(root),
        names=graph.texts(root, SCHEMA + "name"),
        descriptions=graph.texts(root, SCHEMA + "description"),
        issuer_ids=tuple(term_id(i) for i in issuers),
        issuer_names=tuple(sorted({name for i in issuers for name in graph.texts(i, SCHEMA + "name")})),
        valid_from=graph.literals(root, CRED + "validFrom"),
        valid_until=graph.literals(root, CRED + "validUntil"),
        statuses=tuple(_status(graph, s) for s in graph.nodes(root, CRED + "credentialStatus")),
        subjects=tuple(_subject(graph, s) for s in graph.nodes(root, CRED + "credentialSubject")),
    )
