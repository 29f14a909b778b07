"""The names of the strategic content areas (strategic plan, section 5) as the reference data ships them
(reference/data/alliance/content_areas.json), marked for translation so that pages and the catalogue search know
them in every interface language (catalogue/indexing.py looks each name up in each language). An area the alliance
admin adds or renames is shown as typed until its name is added here and translated."""

from django.utils.translation import gettext_noop

CONTENT_AREA_NAMES = (
    gettext_noop("Sustainability and climate change"),
    gettext_noop("Transversal skills"),
    gettext_noop("Technology and STEM"),
    gettext_noop("Entrepreneurship, innovation and business"),
    gettext_noop("European values, culture and language"),
)
