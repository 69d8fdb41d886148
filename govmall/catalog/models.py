from django.db import models


class CategoryKind(models.TextChoices):
    GOODS = "goods", "货物"
    WORKS = "works", "工程"
    SERVICES = "services", "服务"


class CatalogEdition(models.Model):
    """An edition of the national catalog (政府采购品目分类目录), e.g. 2022 (财库〔2022〕31号)."""

    code = models.CharField("版本", max_length=16, unique=True)
    name = models.CharField("名称", max_length=100)
    document = models.CharField("发文", max_length=100, blank=True)
    is_current = models.BooleanField("现行版本", default=False)
    loaded_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        ordering = ["-code"]
        verbose_name = "品目目录版本"
        verbose_name_plural = "品目目录版本"

    def __str__(self):
        return self.name


class Category(models.Model):
    """One item (品目) of a national catalog edition: A goods, B works, C services, down to level 5."""

    edition = models.ForeignKey(CatalogEdition, models.PROTECT, related_name="categories", verbose_name="版本")
    code = models.CharField("品目编码", max_length=9)
    short_code = models.CharField("简码", max_length=9, db_index=True)
    name = models.CharField("品目名称", max_length=100, db_index=True)
    level = models.PositiveSmallIntegerField("层级")
    kind = models.CharField("类别", max_length=10, choices=CategoryKind.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级")
    is_leaf = models.BooleanField("末级", default=True)
    description = models.TextField("说明", blank=True)
    path = models.CharField(max_length=60, db_index=True, editable=False)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["edition", "code"], name="uniq_category_code_per_edition")]
        verbose_name = "品目"
        verbose_name_plural = "品目"

    def __str__(self):
        return f"{self.short_code} {self.name}"


class MallCatalogStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    SUPERSEDED = "superseded", "已被替代"


class MallCatalogVersion(models.Model):
    """A version of a sub-site's mall catalog (威海市政府采购网上商城品目目录).

    A draft is edited; a published version is frozen; publishing a new one supersedes the old.
    """

    subsite = models.ForeignKey("subsites.Subsite", models.PROTECT, related_name="mall_catalogs", verbose_name="分站")
    number = models.PositiveIntegerField("版本号")
    edition = models.ForeignKey(CatalogEdition, models.PROTECT, verbose_name="对照的品目目录版本")
    status = models.CharField("状态", max_length=16, choices=MallCatalogStatus.choices, default=MallCatalogStatus.DRAFT)
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    based_on = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="复制自", help_text="新建草稿时复制的已发布版本"
    )

    class Meta:
        ordering = ["subsite", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["subsite", "number"], name="uniq_mall_catalog_version"),
            # One draft being edited and one version in force per sub-site, also under races.
            models.UniqueConstraint(fields=["subsite"], condition=models.Q(status="draft"), name="one_mall_catalog_draft_per_subsite"),
            models.UniqueConstraint(fields=["subsite"], condition=models.Q(status="published"), name="one_published_mall_catalog_per_subsite"),
        ]
        verbose_name = "商城品目目录版本"
        verbose_name_plural = "商城品目目录版本"

    def __str__(self):
        return f"{self.subsite.short_name}商城品目目录 第{self.number}版（{self.get_status_display()}）"

    def audit_scope(self):
        return None, self.subsite.region.path

    @property
    def is_draft(self) -> bool:
        return self.status == MallCatalogStatus.DRAFT

    def status_badge(self) -> str:
        return {MallCatalogStatus.DRAFT: "warn", MallCatalogStatus.PUBLISHED: "ok"}.get(self.status, "neutral")


class MallItem(models.Model):
    """One item of a mall catalog version: its local code and name, aliases, the level-2
    group the limits count on (二级品目), and the provincial (national) item it maps to."""

    version = models.ForeignKey(MallCatalogVersion, models.CASCADE, related_name="items", verbose_name="版本")
    local_code = models.CharField("本地品目编码", max_length=20)
    local_name = models.CharField("本地品目名称", max_length=100)
    aliases = models.CharField("别名", max_length=300, blank=True, help_text="以顿号或逗号分隔，如 笔记本、手提电脑")
    category = models.ForeignKey(Category, models.PROTECT, null=True, blank=True, related_name="mall_items", verbose_name="对应省品目")
    group = models.ForeignKey(Category, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="二级品目")
    remark = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        ordering = ["version", "local_code"]
        constraints = [models.UniqueConstraint(fields=["version", "local_code"], name="uniq_local_code_per_version")]
        verbose_name = "商城品目"
        verbose_name_plural = "商城品目"

    def __str__(self):
        return f"{self.local_code} {self.local_name}"

    def alias_list(self) -> list[str]:
        import re

        return [a for a in re.split(r"[、,，;；\s]+", self.aliases) if a]

    def audit_scope(self):
        return None, self.version.subsite.region.path


class PublishedVersionManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(status=MallCatalogStatus.PUBLISHED)


class PublishedItemManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(version__status=MallCatalogStatus.PUBLISHED)


class PublishedMallCatalogVersion(MallCatalogVersion):
    """The mall catalog versions in force, as the public reads them (scoped `public`)."""

    objects = PublishedVersionManager()

    class Meta:
        proxy = True
        verbose_name = "已发布的商城品目目录"
        verbose_name_plural = "已发布的商城品目目录"


class PublishedMallItem(MallItem):
    """Items of the mall catalog versions in force, as the public reads them (scoped `public`)."""

    objects = PublishedItemManager()

    class Meta:
        proxy = True
        verbose_name = "已发布的商城品目"
        verbose_name_plural = "已发布的商城品目"
