"""What each role sees in the navigation. Each entry names the permission that shows it.

Later apps add entries here; the page frame and the dashboard both read `navigation_for`.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from microcred.accounts import permissions


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    description: str = ""


def navigation_for(user) -> list[NavItem]:
    items: list[NavItem] = []
    if not user.is_authenticated:
        return items
    items.append(NavItem(_("My account"), reverse("accounts:profile"), _("Your details, language and roles.")))
    from microcred.proposals import permissions as proposal_permissions

    if proposal_permissions.can_create_proposal(user) or permissions.is_staff_member(user):
        items.append(
            NavItem(_("Proposals"), reverse("proposals:list"), _("Propose micro-credentials; what is waiting for you."))
        )
    if proposal_permissions.can_view_meetings(user):
        items.append(
            NavItem(
                _("Meetings"),
                reverse("proposals:meetings"),
                _("Academic Council and Executive Board agendas, decisions and minutes."),
            )
        )
    if proposal_permissions.can_create_proposal(user) or proposal_permissions.can_manage_calls(user):
        items.append(NavItem(_("Calls"), reverse("proposals:calls"), _("Alliance calls for proposals.")))
    from microcred.learning import permissions as learning_permissions

    if learning_permissions.shows_my_learning(user):
        items.append(
            NavItem(_("My learning"), reverse("learning:my-learning"), _("Your enrolments, waiting lists and results."))
        )
    if learning_permissions.delivers_offerings(user):
        items.append(
            NavItem(_("Offerings"), reverse("learning:offerings"), _("Offer micro-credentials, enrolments, results."))
        )
    from microcred.catalogue import permissions as catalogue_permissions

    if catalogue_permissions.can_manage_category_overviews(user):
        items.append(
            NavItem(
                _("Category overviews"),
                reverse("catalogue:manage-overviews"),
                _("Write and publish the catalogue's category overviews."),
            )
        )
    from microcred.credentials import permissions as credential_permissions

    items.append(
        NavItem(_("My wallet"), reverse("wallet:home"), _("Your credentials: download, share, send to a wallet."))
    )
    if credential_permissions.is_any_credential_officer(user):
        items.append(
            NavItem(
                _("Issue credentials"),
                reverse("credentials:issue-queue"),
                _("Learners ready for a credential; issued credentials and revocation."),
            )
        )
    if permissions.can_use_admin_site(user):
        items.append(NavItem(_("Administration"), reverse("admin:index"), _("Reference data, users and roles.")))
    if permissions.can_view_audit_log(user):
        items.append(NavItem(_("Audit log"), reverse("audit:list"), _("Every decision, issuance and revocation.")))
    items.append(NavItem(_("Skills look-up"), reverse("reference:skills"), _("Search ESCO skills and occupations.")))
    return items
