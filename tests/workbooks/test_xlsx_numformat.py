"""What Excel shows for a value under a number format, as the import reads a cell
(`exports/xlsx_import/numformat.py`): worked examples of the formats clerks' workbooks carry."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

import pytest

from workbooks.xlsx_import.numformat import date_text, general, number_text
from workbooks.xlsx_import.sheet import display_text


@pytest.mark.parametrize(
    "value, fmt, shown",
    [
        (387664.62, "#,##0.00", "387,664.62"),
        (9034, "#,##0", "9,034"),
        (620.82, '0.00"万元"', "620.82万元"),
        (12345, "¥#,##0", "¥12,345"),
        (100, "0_ ", "100"),
        (10, "0.00_ ", "10.00"),
        (-5, "0.00_);[Red](0.00)", "(5.00)"),
        (0, '0%;-0%;"-"', "-"),
        (0.9609, "0.00%", "96.09%"),
        (0.958, "0.0%", "95.8%"),
        (6.8, "0.00", "6.80"),
        (0.5, "#.00", ".50"),
        (1234567, "0.0,,", "1.2"),
        (26.5, "0", "27"),  # Excel rounds half away from zero
        (1.5, 'General"万元"', "1.5万元"),
        (89.97399999999999, "General", "89.974"),
        (3.3000000000000003, "General", "3.3"),
        (0.958620689655172, "General", "0.95862069"),
        (123456789012, "General", "1.23457E+11"),
        (Decimal("4000"), "General", "4000"),
        (44260, 'yyyy"年"m"月"d"日"', "2021年3月5日"),  # a date serial under a date format
    ],
)
def test_a_number_reads_as_its_format_shows_it(value, fmt, shown):
    assert number_text(value, fmt) == shown


@pytest.mark.parametrize(
    "fmt, shown",
    [
        ('yyyy"年"m"月"d"日"', "2021年3月5日"),
        ('yyyy"年"m"月"d"日";@', "2021年3月5日"),
        ("yyyy/m/d", "2021/3/5"),
        ("yyyy-mm", "2021-03"),
        ("yyyy-mm-dd", "2021-03-05"),
        ('m"月"d"日"', "3月5日"),
        ("yyyy-mm-dd h:mm:ss", "2021-03-05 14:07:09"),
        ('上午/下午h"时"mm"分"', "下午2时07分"),
        ("h:mm AM/PM", "2:07 PM"),
        ("[$-804]aaaa", "星期五"),
        ("d-mmm-yy", "5-Mar-21"),
    ],
)
def test_a_date_reads_as_its_format_shows_it(fmt, shown):
    assert date_text(datetime(2021, 3, 5, 14, 7, 9), fmt) == shown


def test_a_time_alone_reads_as_its_format_shows_it():
    assert date_text(time(9, 5), "h:mm") == "9:05"


def test_a_format_the_reader_does_not_follow_shows_the_value_rather_than_failing():
    assert display_text(float("inf"), "0.00") == "inf"
    assert display_text(1e20, 'yyyy"年"m"月"') == general(1e20)
