"""Every field's help text and errors are tied to it (aria-describedby names elements that exist): Django puts
`<id>_helptext` and `<id>_error` on each field, and the shared form template must give those ids."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from microcred.core.tests.html_checks import dangling_descriptions

pytestmark = pytest.mark.django_db


def test_the_registration_form_ties_help_and_errors_to_their_fields(client):
    page = client.get(reverse("accounts:register")).content.decode()
    assert "aria-describedby=" in page
    assert dangling_descriptions(page) == []
    page = client.post(reverse("accounts:register"), {"email": "not an address"}).content.decode()
    assert 'aria-invalid="true"' in page
    assert dangling_descriptions(page) == []


def test_the_shared_form_template_ties_help_and_errors_to_their_fields(client, django_user_model):
    """The new-password form (includes/form.html): help on the password, an error on the confirmation."""
    user = django_user_model.objects.create_user("reset@example.org", "an old passphrase 1", full_name="R")
    url = reverse(
        "accounts:password-reset-confirm",
        args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)],
    )
    form_url = client.get(url, follow=True).redirect_chain[-1][0]  # Django moves the token into the session
    page = client.get(form_url).content.decode()
    assert "_helptext" in page
    assert dangling_descriptions(page) == []
    page = client.post(
        form_url, {"new_password1": "a new long passphrase 2", "new_password2": "something else"}
    ).content.decode()
    assert 'aria-invalid="true"' in page
    assert dangling_descriptions(page) == []
