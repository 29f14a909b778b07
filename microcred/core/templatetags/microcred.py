from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ mapping|get_item:key }}`: a dictionary look-up by a variable key."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def page_url(listing, number):
    """The address of page `number` of a staff list (core/listing.py), its search and filters kept."""
    return listing.url_for_page(number)
