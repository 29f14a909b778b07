"""Small steps shared by the browser journeys."""

PASSWORD = "a-long-test-password"


def log_in(page, email, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.check()


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state("load")


def load_small_reference_data(tmp_path):
    """The shipped alliance data (members, principles, areas, EQF, …) with a tiny ESCO set."""
    from microcred.reference.loader import load_reference_data
    from microcred.reference.tests.esco_fixture import make_data_dir

    load_reference_data(data_dir=make_data_dir(tmp_path))
