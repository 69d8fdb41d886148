"""Template helpers of the accounts app."""

from __future__ import annotations

from django import template

from govmall.accounts.models import User

register = template.Library()


@register.simple_tag
def timeline_rows(entries) -> list[tuple]:
    """(entry, who) for an object's timeline: who is the person's name as the site shows it
    (display name, else user name; 系统 for the system), looked up in one query. The audit
    log itself keeps the user name it was written with."""
    entries = list(entries)
    ids = {e.actor_id for e in entries if e.actor_id}
    names = dict(User.objects.filter(pk__in=ids).exclude(display_name="").values_list("pk", "display_name")) if ids else {}
    return [(e, names.get(e.actor_id) or e.actor_name or "系统") for e in entries]
