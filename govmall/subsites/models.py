from django.db import models

from govmall.regions.models import Region


class Subsite(models.Model):
    """A sub-site (分站) of the provincial mall: its region, portal style and functions."""

    code = models.SlugField("代码", max_length=32, unique=True)
    name = models.CharField("分站名称", max_length=100)
    short_name = models.CharField("简称", max_length=30)
    region = models.OneToOneField(Region, models.PROTECT, verbose_name="所属区划", related_name="subsite")
    is_province = models.BooleanField("省级站点", default=False)
    hosts = models.CharField("域名", max_length=300, blank=True, help_text="逗号分隔的主机名")
    is_active = models.BooleanField("已开通", default=True)
    mall_name = models.CharField("商城名称", max_length=100, default="山东省政府采购网上商城")
    # Portal style (门户风格), edited by the procurement centre.
    logo_text = models.CharField("标识文字", max_length=12)
    primary_color = models.CharField("主色", max_length=7, default="#1d5fa6")
    accent_color = models.CharField("辅助色", max_length=7, default="#0e8a7e")
    banner_title = models.CharField("横幅标题", max_length=60, blank=True)
    banner_subtitle = models.CharField("横幅副标题", max_length=120, blank=True)
    notice_enabled = models.BooleanField("显示通知栏", default=True)
    notice_text = models.CharField("通知栏内容", max_length=200, blank=True)
    features = models.JSONField("功能开关", default=dict, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-is_province", "region__code"]
        verbose_name = "分站"
        verbose_name_plural = "分站"

    def __str__(self):
        return self.name

    def host_list(self) -> list[str]:
        return [h.strip().lower() for h in self.hosts.split(",") if h.strip()]

    def audit_scope(self):
        return None, self.region.path
