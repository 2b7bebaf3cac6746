"""``{% claim_result_list cl %}``: the claim list's table, its rows rendered in one pass
(``claims.admin.changelist``), through the same ``change_list_results.html`` as Django's
``{% result_list %}``; ``{% claim_list_filter cl spec %}``: a filter of the list as Django's
``{% admin_list_filter %}`` renders it (``claims.admin.changelist.list_filter``)."""

from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.template import Library

from claims.admin.changelist import list_filter, result_list

register = Library()


@register.tag(name="claim_result_list")
def claim_result_list_tag(parser, token):
    return InclusionAdminNode(parser, token, func=result_list,
                              template_name="change_list_results.html", takes_context=False)


@register.simple_tag
def claim_list_filter(cl, spec):
    return list_filter(cl, spec)
