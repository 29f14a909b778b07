"""A pathway's rule: what a learner must hold to complete it (policy 5.12, stackability; issue #12).

A rule is a list of requirements, every one of which must hold ("all of these two, and at least 10 ECTS from
this list"):

* ``all_of``: every component listed;
* ``n_of``: at least ``n`` of the components listed;
* ``min_ects``: components listed worth at least ``ects`` ECTS credits together.

A component is a micro-credential, named by its id (``MicroCredential.pk``: later versions of it count, unless
the pathway version pins them, which the caller decides when it says what a learner holds). A component appears
once in a rule: in one requirement, once (a component counted twice would let one credential stand for two).
Components are micro-credentials only, never pathways, so a rule cannot be circular.

Stored and exchanged as JSON (``PathwayVersion.rule``, the API)::

    {"requirements": [
        {"type": "all_of", "components": [12, 15]},
        {"type": "n_of", "n": 2, "components": [3, 4, 9]},
        {"type": "min_ects", "ects": "10", "components": [20, 21, 22]}
    ]}

Everything here is pure: ``parse`` checks the form and says what is wrong, ``problems`` whether the rule can be
met with the components' ECTS, ``evaluate`` what a learner has done and what remains, ``minimum_ects`` the fewest
ECTS that complete it, and ``describe`` the rule in plain words, in the active language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

ALL_OF: Final = "all_of"
N_OF: Final = "n_of"
MIN_ECTS: Final = "min_ects"
TYPES: Final = (ALL_OF, N_OF, MIN_ECTS)
MAX_REQUIREMENTS: Final = 10
MAX_COMPONENTS: Final = 60
MAX_ECTS: Final = Decimal("300")


class RuleError(ValueError):
    """The rule is not well formed: the message says what is wrong, for a person."""


@dataclass(frozen=True)
class Requirement:
    type: str
    components: tuple[int, ...]
    n: int | None = None  # n_of
    ects: Decimal | None = None  # min_ects

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, "components": list(self.components)}
        if self.type == N_OF:
            data["n"] = self.n
        if self.type == MIN_ECTS:
            data["ects"] = str(self.ects)
        return data


@dataclass(frozen=True)
class Rule:
    requirements: tuple[Requirement, ...]

    @property
    def components(self) -> tuple[int, ...]:
        """Every component, in the order the requirements list them."""
        return tuple(c for r in self.requirements for c in r.components)

    def as_json(self) -> dict[str, Any]:
        return {"requirements": [r.as_json() for r in self.requirements]}


def _component_ids(raw, where: str) -> tuple[int, ...]:
    if not isinstance(raw, list) or not raw:
        raise RuleError(_("%(where)s: list at least one micro-credential.") % {"where": where})
    ids = []
    for value in raw:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise RuleError(_("%(where)s: “%(value)s” is not a micro-credential.") % {"where": where, "value": value})
        ids.append(value)
    return tuple(ids)


def parse(data) -> Rule:
    """The rule in ``data`` (its JSON form), checked. Raises RuleError naming the requirement and the problem."""
    if not isinstance(data, dict) or not isinstance(data.get("requirements"), list):
        raise RuleError(_("A rule is a list of requirements."))
    raw_requirements = data["requirements"]
    if not raw_requirements:
        raise RuleError(_("A rule needs at least one requirement."))
    if len(raw_requirements) > MAX_REQUIREMENTS:
        raise RuleError(_("A rule has at most %(n)d requirements.") % {"n": MAX_REQUIREMENTS})
    requirements, seen = [], set()
    for number, raw in enumerate(raw_requirements, start=1):
        where = _("Requirement %(number)d") % {"number": number}
        if not isinstance(raw, dict) or raw.get("type") not in TYPES:
            raise RuleError(
                _("%(where)s: choose “all of”, “a number of” or “at least a number of ECTS from”.") % {"where": where}
            )
        components = _component_ids(raw.get("components"), where)
        for component in components:
            if component in seen:
                raise RuleError(
                    _("%(where)s: a micro-credential is listed twice; each counts once in a pathway.")
                    % {"where": where}
                )
            seen.add(component)
        n = ects = None
        if raw["type"] == N_OF:
            n = raw.get("n")
            if isinstance(n, bool) or not isinstance(n, int) or n < 1:
                raise RuleError(_("%(where)s: say how many of the micro-credentials are needed.") % {"where": where})
            if n > len(components):
                raise RuleError(
                    _("%(where)s: %(n)d are needed but only %(listed)d are listed.")
                    % {"where": where, "n": n, "listed": len(components)}
                )
        if raw["type"] == MIN_ECTS:
            try:
                ects = Decimal(str(raw.get("ects")))
            except (InvalidOperation, ValueError):
                ects = None
            if ects is None or not ects.is_finite() or ects <= 0 or ects > MAX_ECTS:
                raise RuleError(
                    _("%(where)s: give the ECTS credits needed, more than 0 and at most %(max)s.")
                    % {"where": where, "max": MAX_ECTS}
                )
        requirements.append(Requirement(raw["type"], components, n=n, ects=ects))
    if len(seen) > MAX_COMPONENTS:
        raise RuleError(_("A pathway has at most %(n)d micro-credentials.") % {"n": MAX_COMPONENTS})
    return Rule(tuple(requirements))


def _ects(ects_of: Mapping[int, Decimal | None], component: int) -> Decimal:
    return Decimal(ects_of.get(component) or 0)


def problems(rule: Rule, ects_of: Mapping[int, Decimal | None]) -> list[str]:
    """Why the rule cannot be met, given the ECTS of each component (``ects_of``; a component missing from it is
    unknown: not an approved micro-credential). Empty when it can be met."""
    found = []
    unknown = [c for c in rule.components if c not in ects_of]
    if unknown:
        found.append(
            ngettext(
                "%(n)d micro-credential of the rule is not an approved micro-credential.",
                "%(n)d micro-credentials of the rule are not approved micro-credentials.",
                len(unknown),
            )
            % {"n": len(unknown)}
        )
    for number, requirement in enumerate(rule.requirements, start=1):
        if requirement.type == MIN_ECTS:
            reachable = sum((_ects(ects_of, c) for c in requirement.components), Decimal(0))
            if reachable < requirement.ects:
                found.append(
                    _(
                        "Requirement %(number)d asks for %(needed)s ECTS, but its micro-credentials are worth "
                        "%(reachable)s ECTS together: it can never be met."
                    )
                    % {"number": number, "needed": requirement.ects, "reachable": reachable}
                )
    return found


@dataclass(frozen=True)
class RequirementProgress:
    requirement: Requirement
    met: bool
    done: tuple[int, ...]  # components held that count for it
    remaining: tuple[int, ...]  # components not held (any of them would count, for n_of and min_ects)
    still_needed: int = 0  # n_of: how many more components
    ects_done: Decimal = Decimal(0)  # min_ects
    ects_still_needed: Decimal = Decimal(0)  # min_ects


@dataclass(frozen=True)
class Progress:
    met: bool
    requirements: tuple[RequirementProgress, ...] = field(default_factory=tuple)

    @property
    def done(self) -> tuple[int, ...]:
        return tuple(c for r in self.requirements for c in r.done)

    @property
    def started(self) -> bool:
        return bool(self.done)


def evaluate(rule: Rule, held: Mapping[int, Decimal | None]) -> Progress:
    """What a learner holding ``held`` (component id → the ECTS of the credential held; only components count)
    has done towards the rule, and what remains."""
    results = []
    for requirement in rule.requirements:
        done = tuple(c for c in requirement.components if c in held)
        remaining = tuple(c for c in requirement.components if c not in held)
        if requirement.type == ALL_OF:
            results.append(RequirementProgress(requirement, not remaining, done, remaining, len(remaining)))
        elif requirement.type == N_OF:
            missing = max(0, requirement.n - len(done))
            results.append(RequirementProgress(requirement, missing == 0, done, remaining, missing))
        else:
            ects_done = sum((_ects(held, c) for c in done), Decimal(0))
            missing = max(Decimal(0), requirement.ects - ects_done)
            results.append(
                RequirementProgress(
                    requirement, missing == 0, done, remaining, ects_done=ects_done, ects_still_needed=missing
                )
            )
    return Progress(all(r.met for r in results), tuple(results))


def _smallest_sum_at_least(values: Sequence[Decimal], target: Decimal) -> Decimal | None:
    """The smallest sum of some of ``values`` that is at least ``target`` (None if even all fall short)."""
    if sum(values, Decimal(0)) < target:
        return None
    sums = {Decimal(0)}
    for value in values:
        sums |= {s + value for s in sums}
    return min(s for s in sums if s >= target)


def minimum_ects(rule: Rule, ects_of: Mapping[int, Decimal | None]) -> Decimal | None:
    """The fewest ECTS credits that complete the rule (None if it cannot be met): every all_of component, the
    ``n`` smallest of an n_of list, and the smallest total of a min_ects list that reaches its ECTS."""
    total = Decimal(0)
    for requirement in rule.requirements:
        values = [_ects(ects_of, c) for c in requirement.components]
        if requirement.type == ALL_OF:
            total += sum(values, Decimal(0))
        elif requirement.type == N_OF:
            total += sum(sorted(values)[: requirement.n], Decimal(0))
        else:
            if len(values) > 20:  # keep the subset sums small: the target itself is a lower bound
                found = requirement.ects if sum(values, Decimal(0)) >= requirement.ects else None
            else:
                found = _smallest_sum_at_least(values, requirement.ects)
            if found is None:
                return None
            total += found
    return total


def _titles(components: Iterable[int], titles: Mapping[int, str]) -> str:
    names = [titles.get(c, f"#{c}") for c in components]
    if len(names) == 1:
        return names[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def describe(rule: Rule, titles: Mapping[int, str]) -> list[str]:
    """One sentence per requirement, in the active language, naming the micro-credentials by ``titles``."""
    sentences = []
    for requirement in rule.requirements:
        names = _titles(requirement.components, titles)
        if requirement.type == ALL_OF:
            if len(requirement.components) == 1:
                sentences.append(_("Earn %(names)s.") % {"names": names})
            else:
                sentences.append(_("Earn all of: %(names)s.") % {"names": names})
        elif requirement.type == N_OF:
            sentences.append(
                ngettext("Earn at least %(n)d of: %(names)s.", "Earn at least %(n)d of: %(names)s.", requirement.n)
                % {"n": requirement.n, "names": names}
            )
        else:
            sentences.append(
                _("Earn at least %(ects)s ECTS credits from: %(names)s.")
                % {"ects": _plain(requirement.ects), "names": names}
            )
    return sentences


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")
