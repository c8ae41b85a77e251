"""``{% demo_login %}``: on the log-in page, how to log in as the demo
reviewer, where the demo data is loaded and allowed (``claims.demo``)."""

from django import template

from claims.demo import demo_reviewer_login

register = template.Library()


@register.inclusion_tag("claims/_demo_login.html")
def demo_login():
    return {"login": demo_reviewer_login()}
