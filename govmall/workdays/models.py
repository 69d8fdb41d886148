from django.db import models


class HolidayYear(models.Model):
    """A year whose State Council holiday schedule (国务院办公厅节假日安排通知) is loaded."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source = models.CharField("依据", max_length=200)
    loaded_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = "节假日年度"
        verbose_name_plural = "节假日年度"

    def __str__(self):
        return f"{self.year} 年"


class SpecialDay(models.Model):
    """A date that differs from the Monday–Friday rule: a statutory day off (休) or a
    make-up working day on a weekend (班, 调休上班)."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("调休上班", default=False)
    name = models.CharField("名称", max_length=60)
    year = models.ForeignKey(HolidayYear, models.CASCADE, related_name="days")

    class Meta:
        ordering = ["date"]
        verbose_name = "节假日"
        verbose_name_plural = "节假日"

    def __str__(self):
        return f"{self.date} {self.name}{'（上班）' if self.is_workday else ''}"
