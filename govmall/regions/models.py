from django.db import models


class Level(models.IntegerChoices):
    PROVINCE = 1, "省"
    CITY = 2, "市"
    COUNTY = 3, "区县"
    TOWN = 4, "乡镇街道"


class Region(models.Model):
    """An administrative division (行政区划): province → city → county → town.

    `path` is the chain of codes from the province down ("/370000/371000/371002/"), so a
    subtree is one indexed prefix query.
    """

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=64)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices)
    kind = models.CharField("类型", max_length=32, blank=True)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级")
    path = models.CharField(max_length=200, db_index=True, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"

    def __str__(self):
        return self.name

    def is_within(self, other: "Region") -> bool:
        """True when self is `other` or lies below it."""
        return self.path.startswith(other.path)

    @property
    def level_label(self) -> str:
        return Level(self.level).label
