"""Announcements are public (imported from AppConfig.ready)."""

from govmall.accounts.scoping import ScopeRule, register
from govmall.disclosure.models import Announcement

register(Announcement, ScopeRule(public=True, region_field="region__path"))
