"""Workbooks for the import tests: the app's own export of a stored form, and the seeds' paper
layouts typed into Excel by hand, the way a clerk does it (labels where the paper form has them,
一级/二级 written once per group, numbers typed as numbers, 266% and 5月10日 turned into a
percentage and a date by Excel)."""

from __future__ import annotations

import zipfile
from datetime import datetime
from io import BytesIO

import openpyxl

from evaluations.models import Evaluation
from evaluations.selectors import form_data, with_lines
from evaluations.templates_def import TEMPLATES
from workbooks.xlsx import write_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_bytes(evaluation: Evaluation) -> bytes:
    stored = with_lines(Evaluation.objects.filter(pk=evaluation.pk)).get()
    buffer = BytesIO()
    write_xlsx(form_data(stored), buffer)
    return buffer.getvalue()


def book_bytes(wb) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _typed(ws, cell: str, value) -> None:
    """What Excel makes of what a clerk types: 266% is the number 2.66 shown as a percentage,
    5月10日 a date shown as m月d日, 11431.62 a number; everything else stays text."""
    target = ws[cell]
    if isinstance(value, str) and value.endswith("%") and value[:-1].replace(".", "").isdigit():
        number = value[:-1]
        target.value = float(number) / 100
        places = len(number.split(".")[1]) if "." in number else 0
        target.number_format = "0%" if not places else "0." + "0" * places + "%"
    elif isinstance(value, str) and value.endswith("日") and "月" in value and "年" not in value:
        month, day = value[:-1].split("月")
        target.value = datetime(2019, int(month), int(day))
        target.number_format = 'm"月"d"日"'
    else:
        target.value = value


def _lines(ws, first_row: int, cols: dict[str, str], lines: list[dict]) -> int:
    """The indicator lines from `first_row`; 一级 and 二级 written only where they change, as
    on the paper form. Returns the row after the last line."""
    previous = (None, None)
    r = first_row
    for line in lines:
        if line["level1"] != previous[0]:
            ws[f"{cols['level1']}{r}"] = line["level1"]
            ws[f"{cols['level2']}{r}"] = line["level2"]
        elif line["level2"] != previous[1]:
            ws[f"{cols['level2']}{r}"] = line["level2"]
        previous = (line["level1"], line["level2"])
        for key in ("level3", "target", "actual", "criteria", "deviation", "weight", "score"):
            if key in cols and line.get(key) not in (None, ""):
                _typed(ws, f"{cols[key]}{r}", line[key])
        r += 1
    return r


def number(text: str):
    """An amount as a clerk types it into a cell: a number."""
    if not text:
        return None
    value = float(text)
    return int(value) if value.is_integer() else value


def social_insurance_typed(seed: dict, *, titles: bool = True) -> bytes:
    """Seeds 000/001: 社会保险基金支出绩效自评表, six columns A–F."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "社保基金"
    r = 1
    if titles:
        ws["A1"], ws["A3"], ws["F4"] = seed["title"], f"({seed['year']}年度)", "单位：万元"
        r = 5
    funds = {f["row"]: f for f in seed["funds"]}
    sub = funds.get("social_insurance_fund") or funds["medical_insurance_fund"]
    ws[f"A{r}"], ws[f"C{r}"] = "项 目 名 称", seed["project_name"]
    ws[f"A{r + 1}"], ws[f"C{r + 1}"] = (
        seed.get("budget_unit_label") or "预算单位",
        seed["budget_unit"],
    )
    ws[f"A{r + 2}"] = "预算执行情况 (万元)"
    ws[f"B{r + 2}"], ws[f"D{r + 2}"] = "预算数:", "执行数:"
    ws[f"C{r + 2}"], ws[f"E{r + 2}"] = (
        number(funds["total"]["budget"]),
        number(funds["total"]["actual"]),
    )
    ws[f"B{r + 3}"] = ws[f"D{r + 3}"] = sub["label"]
    ws[f"C{r + 3}"], ws[f"E{r + 3}"] = number(sub["budget"]), number(sub["actual"])
    ws[f"B{r + 4}"] = ws[f"D{r + 4}"] = "其他资金"
    ws[f"A{r + 5}"], ws[f"B{r + 5}"], ws[f"D{r + 5}"] = (
        "年度目标完成情况",
        "预期目标",
        "实际完成目标",
    )
    ws[f"B{r + 6}"], ws[f"D{r + 6}"] = seed["goal_planned"], seed["goal_actual"]
    heading = r + 7
    for col, label in zip(
        "ABCDEF",
        [
            "年度绩效指标完成情况",
            "一级指标",
            "二级指标",
            "三级指标",
            "预期指标值（包含数字及文字描述）",
            "实际完成指标值（包含数字及文字描述）",
        ],
        strict=True,
    ):
        ws[f"{col}{heading}"] = label
    cols = {"level1": "B", "level2": "C", "level3": "D", "target": "E", "actual": "F"}
    r = _lines(ws, heading + 1, cols, seed["indicators"])
    ws[f"A{r}"], ws[f"C{r}"] = "偏差原因", seed.get("deviation_reason") or None
    if seed.get("preparer"):
        ws[f"A{r + 2}"] = f"制表人: {seed['preparer']}"
        ws[f"A{r + 4}"] = f"电话: {seed['preparer_phone']}"
    return book_bytes(wb)


def transfer_typed(seed: dict) -> bytes:
    """Seed 004: 中央对地方转移支付项目支出绩效自评表 (2019), seven columns A–G."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = seed["project_name"][:31]
    ws["A1"], ws["A2"] = seed["title"], f"（{seed['year']}年度）"
    ws["A3"], ws["C3"], ws["E3"], ws["F3"] = (
        "专项（项目）名称",
        seed["project_name"],
        "负责人及电话",
        seed["principal_and_phone"],
    )
    ws["A4"] = "中央主管部门"
    ws["A5"], ws["C5"], ws["E5"], ws["F5"] = (
        "地方主管部门",
        seed["competent_local"],
        "实施单位",
        seed["budget_unit"],
    )
    ws["A6"], ws["D6"], ws["E6"], ws["G6"] = (
        "项目资金(万元)",
        "全年预算数(A)",
        "全年执行数(B)",
        "执行率(B/A)",
    )
    for i, fund in enumerate(seed["funds"]):
        r = 7 + i
        ws[f"C{r}"] = fund["label"]
        ws[f"D{r}"], ws[f"E{r}"] = number(fund["budget"]), number(fund["actual"])
    ws["A11"], ws["B11"], ws["E11"] = "年度总体目标", "年初设定目标", "全年实际完成情况"
    ws["B12"], ws["E12"] = seed["goal_planned"], seed["goal_actual"]
    for col, label in zip(
        "ABCDEFG",
        [
            "绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "全年完成值",
            "未完成原因和改进措施",
        ],
        strict=True,
    ):
        ws[f"{col}13"] = label
    lines = [{**line, "deviation": line.get("deviation_note", "")} for line in seed["indicators"]]
    cols = {
        "level1": "B",
        "level2": "C",
        "level3": "D",
        "target": "E",
        "actual": "F",
        "deviation": "G",
    }
    r = _lines(ws, 14, cols, lines)
    ws[f"A{r}"], ws[f"B{r}"] = "说明", seed["remarks"]
    ws[f"A{r + 1}"] = "注:1.其他资金包括和中央补助、地方财政资金共同投入到同一项目的自有资金。"
    return book_bytes(wb)


def project_typed(seed: dict, scores: dict[str, str], *, budget_score=10) -> bytes:
    """The 财预〔2020〕10号 项目支出绩效自评表 as the official layout prints it, nine columns A–I,
    with the 得分 a preparer typed (`scores`: 三级指标 → points)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"] = "项目支出绩效自评表", f"（{seed['year']}年度）"
    ws["A3"], ws["B3"] = "项目名称", seed["project_name"]
    ws["A4"], ws["B4"] = "主管部门", seed["header"]["competent_dept"]
    ws["E4"], ws["F4"] = "实施单位", seed["header"]["implementing_unit"]
    ws["A5"] = "项目资金（万元）"
    for col, label in zip(
        "CDEFGH", ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"], strict=True
    ):
        ws[f"{col}5"] = label
    labels = ["年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金"]
    for i, (label, fund) in enumerate(zip(labels, seed["funds"], strict=True)):
        r = 6 + i
        ws[f"B{r}"] = label
        ws[f"C{r}"], ws[f"D{r}"], ws[f"E{r}"] = (
            number(fund["budget_initial"]),
            number(fund["budget"]),
            number(fund["actual"]),
        )
        ws[f"F{r}"] = 10 if i == 0 else "—"
        ws[f"H{r}"] = budget_score if i == 0 else "—"
    ws["A10"], ws["B10"], ws["F10"] = "年度总体目标", "预期目标", "实际完成情况"
    ws["B11"], ws["F11"] = seed["goal_planned"], seed["goal_actual"]
    heading = [
        "绩效指标",
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ]
    for col, label in zip("ABCDEFGHI", heading, strict=True):
        ws[f"{col}12"] = label
    weights = {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    lines = [
        {
            **line,
            "level1": f"{line['level1']}（{weights[line['level1']]}分）",
            "weight": int(line["weight"]),
            "score": scores.get(line["level3"]),
        }
        for line in seed["indicators"]
    ]
    cols = {
        "level1": "B",
        "level2": "C",
        "level3": "D",
        "target": "E",
        "actual": "F",
        "weight": "G",
        "score": "H",
        "deviation": "I",
    }
    r = _lines(ws, 13, cols, lines)
    ws[f"A{r}"], ws[f"G{r}"] = "总分", 100
    ws[f"A{r + 1}"] = "填表人：王会计    联系电话：0827-5267890    填报日期：2020年3月2日"
    return book_bytes(wb)


def department_typed(seed: dict) -> bytes:
    """The 部门整体 form (seed 002 as composed for the demo) typed by hand: the 指标表 with
    labels spaced and punctuated the way people type them, 一级/二级 once per group, no merges,
    the common indicators' names with straight quotes; then the 基础数据表 without a title,
    its items numbered “1.”, its quotes curly, and 控制率 and 总分 typed as Excel formulas.
    The demo scores every common indicator without a score of its own at full marks."""
    t = TEMPLATES["department_wide_yueyang"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "指标表"
    ws["A1"], ws["A2"] = "部门整体支出绩效评价指标表", f"({seed['year']}年度)"
    ws["A3"], ws["C3"] = "部门 (单位) 名称:", seed["project_name"]
    for col, label in zip(
        "ABCDEFGH",
        [
            "评价指标",
            "一级指标",
            "二级 指标",
            "三级指标",
            "评分标准",
            "分 值",
            "自评得分",
            "扣分原因和其他说明",
        ],
        strict=True,
    ):
        ws[f"{col}4"] = label
    lines = []
    for line in seed["indicators"]:
        indicator = t.common_indicator(line.get("rule_key", ""))
        lines.append(
            {
                **line,
                "level3": line["level3"].replace("“", '"').replace("”", '"'),
                "criteria": indicator.criteria if indicator else line["criteria"],
                "weight": number(line["weight"]),
                "score": number(line.get("score") or line["weight"]),
                "deviation": line.get("deviation_note", ""),
            }
        )
    cols = {
        "level1": "B",
        "level2": "C",
        "level3": "D",
        "criteria": "E",
        "weight": "F",
        "score": "G",
        "deviation": "H",
    }
    r = _lines(ws, 5, cols, lines)
    ws[f"A{r}"], ws[f"F{r}"], ws[f"G{r}"] = "总 分", 100, f"=SUM(G5:G{r - 1})"
    ws[f"A{r + 1}"] = "填表人：    联系电话：    填报日期：2020年7月15日"

    basic = wb.create_sheet("基础数据表")
    values = {tuple(name.split(".")): number(v) for name, v in seed["basic_data"].items()}
    basic["A1"], basic["E1"] = f"（{seed['year']}年度）", "单位：万元"
    basic["A2"], basic["B2"] = "填报单位：", seed["project_name"]
    labels = {
        "sangong": "“三公经费”",
        "car": "1.公务用车购置和维护经费",
        "car_purchase": "其中:公车购置",
        "abroad": "2.出国经费",
        "reception": "3.公务接待",
        "project_business": "1.业务工作专项",
        "project_operation": "2.运行维护专项",
        "public_office": "其中:办公经费",
    }
    r = 3
    for block in t.basic_data.blocks:
        basic[f"A{r}"], basic[f"B{r}"] = block.caption, "项 目"
        for i, column in enumerate(block.columns):
            basic.cell(row=r, column=3 + i, value=column.label)
        for row in block.rows:
            r += 1
            basic[f"B{r}"] = labels.get(row.key, row.label)
            for i, column in enumerate(block.columns):
                cell = basic.cell(row=r, column=3 + i)
                if column.is_derived:
                    cell.value = f"=D{r}/C{r}"
                    cell.number_format = "0.00%"
                else:
                    cell.value = values.get((row.key, column.key))
        r += 1
    return book_bytes(wb)


# -- files that must be refused -------------------------------------------------------------------


def zip_with(entries: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def replace_entry(xlsx: bytes, name: str, data: bytes | None = None, *, zeros: int = 0) -> bytes:
    """The workbook with one part replaced by `data`, or by `zeros` zero bytes written in 1 MB
    pieces (a zip bomb: a few hundred KB holding hundreds of MB)."""
    source = zipfile.ZipFile(BytesIO(xlsx))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != name:
                archive.writestr(info, source.read(info))
        if zeros:
            with archive.open(name, "w", force_zip64=True) as part:
                chunk = bytes(1024 * 1024)
                for _ in range(zeros // len(chunk)):
                    part.write(chunk)
        else:
            archive.writestr(name, data)
    return buffer.getvalue()


def long_sheet_xml(rows: int, *, dimension: bool = True) -> bytes:
    """A worksheet part of `rows` rows (number, text, number), written directly as XML."""
    head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    )
    if dimension:
        head += f'<dimension ref="A1:C{rows}"/>'
    body = "".join(
        f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}" t="inlineStr"><is><t>指标{r}</t></is>'
        f'</c><c r="C{r}"><v>{r * 7 % 1000}</v></c></row>'
        for r in range(1, rows + 1)
    )
    return (head + "<sheetData>" + body + "</sheetData></worksheet>").encode()


def empty_book() -> bytes:
    return book_bytes(openpyxl.Workbook())
