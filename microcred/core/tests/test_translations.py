"""The interface is fully translated into every language of settings.LANGUAGES except the source (English).

(a) Catalogue checks on each django.po: every entry translated (every plural form too), nothing fuzzy,
    and every placeholder of the msgid kept in the translation. Run `manage.py makemessages` and these
    tests fail until each new msgid is translated.
(b) Rendering checks: the home page, asked for in a language by cookie or by Accept-Language, shows the
    translated texts from the compiled catalogue.
"""

import gettext as gettext_module
import html
import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation import trans_real

from microcred.core.compile_translations import LOCALE_DIR, compile_all

SOURCE_LANGUAGE = "en"
TARGET_LANGUAGES = ["es", "fr", "nl", "hu", "de", "ca", "sv", "fi", "nb"]
EXPECTED_PLURAL_FORMS = {
    "es": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "nl": "nplurals=2; plural=(n != 1);",
    "hu": "nplurals=2; plural=(n != 1);",
    "de": "nplurals=2; plural=(n != 1);",
    "ca": "nplurals=2; plural=(n != 1);",
    "sv": "nplurals=2; plural=(n != 1);",
    "fi": "nplurals=2; plural=(n != 1);",
    "nb": "nplurals=2; plural=(n != 1);",
}

# printf-style placeholders: %(name)s, %(n)d, %(size).1f, %s, %d … ("%%" is a literal percent sign).
# (The space flag, as in "% d", is left out: "50 % des" in French text is not a placeholder.)
PRINTF = re.compile(r"%(?:\((?P<name>[^)]+)\))?[#0+-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
# str.format-style placeholders, for entries flagged python-brace-format: {count}, {0}, {name!r:>10}.
BRACE = re.compile(r"(?<!\{)\{(?P<field>[A-Za-z_][\w.]*|\d*)(?:![rsa])?(?::[^{}]*)?\}(?!\})")


def po_path(lang: str, domain: str = "django") -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


def catalogues():
    """Every (language, .po file) pair to check: the django domain, and djangojs where it exists."""
    pairs = []
    for lang in TARGET_LANGUAGES:
        for path in sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
            pairs.append(pytest.param(lang, path, id=f"{lang}-{path.stem}"))
    return pairs


def placeholders(text: str, entry: polib.POEntry) -> Counter:
    found = Counter()
    if "no-python-format" not in entry.flags:
        for m in PRINTF.finditer(text):
            if m.group(0) != "%%":
                found[m.group(0)] += 1
    if "python-brace-format" in entry.flags:
        for m in BRACE.finditer(text):
            found["{" + m.group("field") + "}"] += 1
    return found


def describe(entry: polib.POEntry) -> str:
    where = ", ".join(f"{f}:{n}" for f, n in entry.occurrences[:2])
    return f"{entry.msgid!r} ({where})"


def test_settings_languages_are_the_ones_checked_here():
    codes = [code for code, _name in settings.LANGUAGES]
    assert settings.LANGUAGE_CODE == SOURCE_LANGUAGE
    assert sorted(c for c in codes if c != SOURCE_LANGUAGE) == sorted(TARGET_LANGUAGES)


@pytest.mark.parametrize("lang", TARGET_LANGUAGES)
def test_catalogue_exists_with_a_proper_header(lang):
    path = po_path(lang)
    assert path.exists(), f"{path} is missing: run makemessages -l {lang}"
    po = polib.pofile(str(path))
    assert not po.metadata_is_fuzzy, f"{path}: the header is still marked fuzzy"
    assert po.metadata.get("Language") == lang
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    assert po.metadata.get("Plural-Forms", "").replace(" ", "") == EXPECTED_PLURAL_FORMS[lang].replace(" ", "")
    assert len(po) > 0


@pytest.mark.parametrize(("lang", "path"), catalogues())
def test_every_entry_is_translated_and_none_is_fuzzy(lang, path):
    po = polib.pofile(str(path))
    untranslated, fuzzy = [], []
    for entry in po:
        if entry.obsolete:
            continue
        if entry.fuzzy:
            fuzzy.append(describe(entry))
        if entry.msgid_plural:
            nplurals = int(re.search(r"nplurals\s*=\s*(\d+)", po.metadata["Plural-Forms"]).group(1))
            forms = [entry.msgstr_plural.get(i, "") for i in range(nplurals)]
            if not all(f.strip() for f in forms):
                untranslated.append(describe(entry))
        elif not entry.msgstr.strip():
            untranslated.append(describe(entry))
    assert not (untranslated or fuzzy), (
        f"{path}: {len(untranslated)} untranslated entries: "
        + "; ".join(untranslated[:10])
        + f" | {len(fuzzy)} fuzzy entries: "
        + "; ".join(fuzzy[:10])
    )


@pytest.mark.parametrize(("lang", "path"), catalogues())
def test_translations_keep_every_placeholder(lang, path):
    po = polib.pofile(str(path))
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            singular = placeholders(entry.msgid, entry)
            plural = placeholders(entry.msgid_plural, entry)
            allowed = set(singular) | set(plural)
            for i, form in sorted(entry.msgstr_plural.items()):
                got = placeholders(form, entry)
                missing = set(plural) - set(got)
                extra = set(got) - allowed
                if missing or extra:
                    problems.append(f"{describe(entry)} form {i}: missing {sorted(missing)}, extra {sorted(extra)}")
        else:
            want = placeholders(entry.msgid, entry)
            got = placeholders(entry.msgstr, entry)
            if want != got:
                problems.append(f"{describe(entry)}: expected {dict(want)}, found {dict(got)} in {entry.msgstr!r}")
    assert not problems, f"{path}: " + "\n".join(problems)


@pytest.mark.parametrize(("lang", "path"), catalogues())
def test_leading_and_trailing_newlines_match(lang, path):
    """msgfmt -c rejects a translation that starts or ends with \\n when the msgid does not (or vice versa)."""
    po = polib.pofile(str(path))
    problems = []
    for entry in po:
        if entry.obsolete or not entry.msgstr:
            continue
        for test in (str.startswith, str.endswith):
            if test(entry.msgid, "\n") != test(entry.msgstr, "\n"):
                problems.append(describe(entry))
    assert not problems, f"{path}: " + "; ".join(problems)


@pytest.fixture
def compiled_catalogues():
    """Compile the .po files and make Django (and Python's gettext cache) read the fresh .mo files."""
    compile_all()
    gettext_module._translations.clear()
    trans_real._translations = {}
    trans_real._default = None
    if hasattr(trans_real.check_for_language, "cache_clear"):
        trans_real.check_for_language.cache_clear()
    yield
    trans_real._translations = {}
    trans_real._default = None


def msgstr(lang: str, msgid: str) -> str:
    entry = polib.pofile(str(po_path(lang))).find(msgid)
    assert entry is not None, f"{msgid!r} is not in the {lang} catalogue"
    return entry.msgstr


PAGE_TEXTS = [
    "Skip to main content",
    "This service uses the ESCO classification of the European Commission.",
    "Sources and licences",
    "Micro-credentials of the alliance",
]


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["cookie", "accept-language"])
@pytest.mark.parametrize("lang", TARGET_LANGUAGES)
def test_home_page_is_rendered_in_the_requested_language(client, compiled_catalogues, lang, how):
    if how == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        response = client.get("/")
    else:
        response = client.get("/", headers={"accept-language": f"{lang},en;q=0.5"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{lang}">' in page
    for english in PAGE_TEXTS:
        translated = msgstr(lang, english)
        assert translated and translated != english
        assert html.escape(translated) in page or translated in page, f"{lang}: {translated!r} not on the page"
        assert english not in page, f"{lang}: the English {english!r} is still on the page"


@pytest.mark.django_db
def test_home_page_stays_english_without_a_preference(client, compiled_catalogues):
    page = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert '<html lang="en">' in page
    assert "Skip to main content" in page
    assert "This service uses the ESCO classification of the European Commission." in page


@pytest.mark.parametrize(
    ("lang", "skip_link", "esco"),
    [
        ("es", "Saltar al contenido principal", "Este servicio utiliza la clasificación ESCO de la Comisión Europea."),
        ("fr", "Aller au contenu principal", "Ce service utilise la classification ESCO de la Commission européenne."),
        ("nl", "Naar de hoofdinhoud", "Deze dienst maakt gebruik van de ESCO-classificatie van de Europese Commissie."),
        ("hu", "Ugrás a fő tartalomra", "Ez a szolgáltatás az Európai Bizottság ESCO-osztályozását használja."),
        ("de", "Zum Hauptinhalt springen", "Dieser Dienst verwendet die ESCO-Klassifikation der Europäischen Kommission."),
        ("ca", "Salta al contingut principal", "Aquest servei utilitza la classificació ESCO de la Comissió Europea."),
        ("sv", "Hoppa till huvudinnehållet", "Den här tjänsten använder Europeiska kommissionens ESCO-klassificering."),
        ("fi", "Siirry pääsisältöön", "Tämä palvelu käyttää Euroopan komission ESCO-luokitusta."),
        ("nb", "Hopp til hovedinnholdet", "Denne tjenesten bruker Europakommisjonens ESCO-klassifisering."),
    ],
)
def test_compiled_catalogue_gives_the_known_translations(compiled_catalogues, lang, skip_link, esco):
    from django.utils import translation

    with translation.override(lang):
        assert translation.gettext("Skip to main content") == skip_link
        assert translation.gettext("This service uses the ESCO classification of the European Commission.") == esco
