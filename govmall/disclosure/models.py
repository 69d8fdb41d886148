"""Public announcements (公告): contract notices, bidding results, terminations, supplier
measures. Any app publishes through `disclosure.services.publish`; the public reads them at
/announcements/. An announcement is never edited after publication: a change is a new one
(e.g. a contract change notice), as the law requires each to stay on record."""

from django.db import models


class AnnouncementKind(models.TextChoices):
    CONTRACT = "contract", "合同公告"
    CONTRACT_CHANGE = "contract_change", "合同变更/终止公告"
    BIDDING_RESULT = "bidding_result", "竞价结果公告"
    BIDDING_FAILED = "bidding_failed", "竞价失败公告"
    SUPPLIER_MEASURE = "supplier_measure", "供应商处理公告"
    OTHER = "other", "其他公告"


class Announcement(models.Model):
    kind = models.CharField("类型", max_length=20, choices=AnnouncementKind.choices, db_index=True)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    subsite = models.ForeignKey("subsites.Subsite", models.PROTECT, related_name="announcements", verbose_name="分站")
    region = models.ForeignKey("regions.Region", models.PROTECT, related_name="+", verbose_name="区划")
    organization = models.ForeignKey("accounts.Organization", models.PROTECT, null=True, blank=True, related_name="announcements", verbose_name="发布单位")
    # What the announcement is about, e.g. ("contracts.contract", 42): a generic reference so a
    # low-layer app can point at objects of higher ones without importing them.
    subject_type = models.CharField("对象类型", max_length=60, blank=True)
    subject_id = models.PositiveBigIntegerField("对象编号", null=True, blank=True)
    link = models.CharField("相关链接", max_length=200, blank=True)
    published_at = models.DateTimeField("发布时间", db_index=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        verbose_name = "公告"
        verbose_name_plural = "公告"

    def __str__(self):
        return self.title

    def audit_scope(self):
        return self.organization_id, self.region.path
