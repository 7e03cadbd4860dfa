"""Where forms come from: regions (区划), their units, people's roles in them, and the years."""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q


class Region(models.Model):
    """行政区划: 自治区/省 → 地区/州/市 → 县/区, as a tree stored with a materialised path."""

    class Level(models.TextChoices):
        PROVINCE = "province", "省级（自治区/省/直辖市）"
        PREFECTURE = "prefecture", "地级（地区/州/市）"
        COUNTY = "county", "县级（县/区/市）"

    name = models.CharField("名称", max_length=100)
    level = models.CharField("级别", max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # "/3/17/42/": the ids from the root down; a subtree is one indexed prefix match.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_in_parent"),
        ]

    def __str__(self):
        return self.name

    @transaction.atomic
    def save(self, *args, **kwargs):
        old_path = self.path
        super().save(*args, **kwargs)
        prefix = self.parent.path if self.parent_id else "/"
        new_path = f"{prefix}{self.pk}/"
        if new_path != old_path:
            Region.objects.filter(pk=self.pk).update(path=new_path)
            if old_path:  # moved: carry the subtree along
                for child in Region.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    Region.objects.filter(pk=child.pk).update(
                        path=new_path + child.path[len(old_path) :]
                    )
            self.path = new_path

    def subtree_q(self, prefix: str = "") -> Q:
        """A filter for this region and every region below it (`prefix` reaches it via a relation)."""
        return Q(**{f"{prefix}path__startswith": self.path})

    @property
    def full_name(self) -> str:
        ids = [int(i) for i in self.path.strip("/").split("/") if i]
        names = dict(Region.objects.filter(pk__in=ids).values_list("pk", "name"))
        return " / ".join(names[i] for i in ids if i in names)


class Unit(models.Model):
    """单位: a budget unit that fills in forms, or the finance department that reviews them."""

    class Kind(models.TextChoices):
        BUDGET = "budget", "预算单位/主管部门"
        FINANCE = "finance", "财政部门"

    name = models.CharField("单位名称", max_length=200)
    region = models.ForeignKey(
        Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="units"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.BUDGET)
    reviews_subregions = models.BooleanField(
        "审核范围包含下级区划",
        default=False,
        help_text="财政部门的审核人可看到下级区划各单位的自评表（默认只含本级区划）。",
    )

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["region__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="unit_unique_name_in_region"),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A person's place: one unit and one role in it."""

    class Role(models.TextChoices):
        PREPARER = "preparer", "填报人"
        REVIEWER = "reviewer", "审核人"
        VIEWER = "viewer", "查看人"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="membership",
    )
    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="members"
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    phone = models.CharField("联系电话", max_length=40, blank=True)

    class Meta:
        verbose_name = "用户角色"
        verbose_name_plural = "用户角色"

    def __str__(self):
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


class Year(models.Model):
    """评价年度: the fiscal year evaluated, its submission deadline, and whether it is closed."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    deadline = models.DateField("提交截止日期", null=True, blank=True)
    closed = models.BooleanField("已关闭（只读）", default=False)

    class Meta:
        verbose_name = "评价年度"
        verbose_name_plural = "评价年度"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年度"
