"""``{% claim_result_list cl %}``: the claim list's table, its rows rendered in one pass
(``claims.admin.changelist``), through the same ``change_list_results.html`` as Django's
``{% result_list %}``."""

from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.template import Library

from claims.admin.changelist import result_list

register = Library()


@register.tag(name="claim_result_list")
def claim_result_list_tag(parser, token):
    return InclusionAdminNode(parser, token, func=result_list,
                              template_name="change_list_results.html", takes_context=False)
