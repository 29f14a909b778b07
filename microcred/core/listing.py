"""Staff lists that scale (issue #16, "Staff screens that scale"): search, filters, sorting and pagination read from
the query string, one implementation for every list page.

A view describes its list once (`ListSpec`: the fields searched, the filters with their choices, the orders) and
calls `spec.read(request, queryset)`; the page shows the controls and the pages with the templates
`core/includes/list_controls.html` and `core/includes/pagination.html`. Values that are not among the choices are
ignored (the list shows everything and says which value it did not know), so a stale or edited link never fails.
Two lists on one page take different `prefix`es; each keeps the other's parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MAX_SEARCH_LENGTH = 100


@dataclass(frozen=True)
class ListFilter:
    """A choice among `choices` ([(value, label)], or a function giving them); `apply(queryset, value)` narrows
    the list, by default `queryset.filter(**{name: value})`."""

    name: str
    label: str
    choices: Sequence[tuple[str, str]] | Callable[[], Sequence[tuple[str, str]]]
    apply: Callable[[QuerySet, str], QuerySet] | None = None

    def options(self) -> list[tuple[str, str]]:
        found = self.choices() if callable(self.choices) else self.choices
        return [(str(value), str(label)) for value, label in found]


@dataclass(frozen=True)
class ListSort:
    name: str
    label: str
    order_by: tuple[str, ...]


@dataclass(frozen=True)
class ListSpec:
    search: tuple[str, ...] = ()  # the fields a search looks in (any of them, case-insensitive, part of a word)
    search_label: str = _("Search")
    filters: tuple[ListFilter, ...] = ()
    sorts: tuple[ListSort, ...] = ()  # the first is the default
    per_page: int = 50
    prefix: str = ""

    def param(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def read(self, request, queryset: QuerySet) -> ListPage:
        params = request.GET
        search = " ".join(params.get(self.param("q"), "").split())[:MAX_SEARCH_LENGTH]
        unknown = []
        chosen: dict[str, str] = {}
        controls = []
        for spec in self.filters:
            options = spec.options()
            value = params.get(self.param(spec.name), "").strip()
            if value and value not in {v for v, _label in options}:
                unknown.append((spec.label, value[:MAX_SEARCH_LENGTH]))
                value = ""
            if value:
                chosen[spec.name] = value
                queryset = spec.apply(queryset, value) if spec.apply else queryset.filter(**{spec.name: value})
            controls.append(FilterControl(spec, self.param(spec.name), options, value))
        if search and self.search:
            words = search.split()
            for word in words:
                queryset = queryset.filter(reduce(or_, (Q(**{f"{f}__icontains": word}) for f in self.search)))
            if any("__" in f for f in self.search):  # a search through a relation would repeat rows
                queryset = queryset.distinct()
        sort = params.get(self.param("sort"), "")
        by_name = {s.name: s for s in self.sorts}
        if sort not in by_name:
            sort = self.sorts[0].name if self.sorts else ""
        if sort:
            queryset = queryset.order_by(*by_name[sort].order_by)
        page = Paginator(queryset, self.per_page).get_page(params.get(self.param("page")))
        return ListPage(self, request, page, search, sort, controls, chosen, unknown)


@dataclass
class FilterControl:
    spec: ListFilter
    param: str
    options: list[tuple[str, str]]
    value: str

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def id(self) -> str:
        return f"list-{self.param}"


@dataclass
class ListPage:
    spec: ListSpec
    request: object
    page: Page
    search: str
    sort: str
    filters: list[FilterControl]
    chosen: dict[str, str]
    unknown: list[tuple[str, str]] = field(default_factory=list)

    @property
    def rows(self):
        return self.page.object_list

    @property
    def total(self) -> int:
        return self.page.paginator.count

    @property
    def is_narrowed(self) -> bool:
        return bool(self.search or self.chosen)

    @property
    def search_param(self) -> str:
        return self.spec.param("q")

    @property
    def sort_param(self) -> str:
        return self.spec.param("sort")

    @property
    def sorts(self):
        return self.spec.sorts

    @property
    def unknown_message(self) -> str:
        """What the list did not understand in the address, said plainly ("" when all was understood)."""
        return " ".join(
            gettext("“%(value)s” is not a choice of %(filter)s: the list shows all of them.")
            % {"value": value, "filter": label}
            for label, value in self.unknown
        )

    def _own(self, name: str) -> bool:
        return name.startswith(self.spec.prefix) if self.spec.prefix else True

    def kept_params(self) -> list[tuple[str, str]]:
        """The query parameters of other lists on the page (hidden fields of this list's form)."""
        own = {self.search_param, self.sort_param, self.spec.param("page"), *(f.param for f in self.filters)}
        return [(k, v) for k, values in self.request.GET.lists() for v in values if k not in own]

    def url_for_page(self, number: int) -> str:
        query = [(k, v) for k, values in self.request.GET.lists() for v in values if k != self.spec.param("page")]
        query.append((self.spec.param("page"), str(number)))
        return "?" + urlencode(query)

    @property
    def clear_url(self) -> str:
        """This list without its search and filters (the sort and the other lists' parameters kept)."""
        drop = {self.search_param, self.spec.param("page"), *(f.param for f in self.filters)}
        query = [(k, v) for k, values in self.request.GET.lists() for v in values if k not in drop]
        return "?" + urlencode(query)
