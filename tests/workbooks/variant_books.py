"""Clerks' workbooks of provinces whose forms differ from the templates' wording: their own head
labels and extra head cells, goal headings, 指标性质 | 指标值 | 度量单位 columns under a merged
heading, the form's own 一级 weights, amounts in 万元 to three decimals, a "……" row, 总分, 注, a
signature line left blank, an extra sheet. Each builder returns (bytes, the values typed)."""

from __future__ import annotations

import openpyxl

from .import_books import book_bytes


def hunan_measured() -> tuple[bytes, list[str]]:
    """A 2021 county form with 指标性质/度量单位 columns and 70/20/10 weights."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    ws.merge_cells("A1:K1")
    ws["A1"] = "2021年度项目支出绩效自评表"
    ws["J2"] = "单位：万元"
    ws["A3"], ws["C3"] = "转移支付（项目）名称", "城乡居民基本医疗保险财政补助"
    ws["G3"], ws["I3"] = "项目负责人及电话", "王建国 0731-8456123"
    ws["A4"], ws["C4"] = "主管部门", "祁东县医疗保障局"
    ws["G4"], ws["I4"] = "实施单位", "祁东县医疗保障事务中心"
    ws["A5"], ws["C5"], ws["E5"], ws["F5"] = (
        "项目资金（万元）",
        "年初预算数",
        "全年预算数",
        "全年执行数",
    )
    ws["H5"], ws["I5"], ws["J5"] = "分值", "执行率", "得分"
    rows = [
        ("年度资金总额", 1200.5, 1350.874, 1298.12, 10, "96.09%", 9.6),
        ("其中：财政拨款", 1200.5, 1350.874, 1298.12, None, None, None),
        ("上年结转资金", 0, 0, 0, None, None, None),
        ("其他资金", None, None, None, None, None, None),
    ]
    for i, (label, initial, budget, actual, weight, rate, score) in enumerate(rows):
        r = 6 + i
        ws[f"B{r}"] = label
        for col, value in zip(
            "CEFHIJ", (initial, budget, actual, weight, rate, score), strict=True
        ):
            if value is not None:
                ws[f"{col}{r}"] = value
    ws["A10"], ws["B10"], ws["G10"] = "年度总体目标", "年初设定目标", "年度总体目标完成情况综述"
    ws["B11"] = "保障参保群众基本医疗需求，财政补助标准达到每人每年580元。"
    ws["G11"] = "全年补助资金按时足额拨付，参保率稳定在95%以上。"
    ws.merge_cells("A12:A13")
    ws.merge_cells("B12:B13")
    ws.merge_cells("C12:C13")
    ws.merge_cells("D12:F12")
    for col, label in zip(
        "ABCDGHIJ",
        (
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ),
        strict=True,
    ):
        ws[f"{col}12"] = label
    ws["D13"], ws["E13"], ws["F13"] = "指标性质", "指标值", "度量单位"
    lines = [
        (
            "产出指标（70分）",
            "数量指标（指标）",
            "参保人数",
            "≥",
            "52000",
            "人",
            "53817",
            20,
            20,
            "",
        ),
        (None, None, "……", None, None, None, None, None, None, None),
        (None, "质量指标", "参保率", "≥", "95", "%", "96.2%", 30, 30, ""),
        (None, "时效指标", "资金拨付及时率", "＝", "100", "%", "100%", 20, 18, "第四季度拨付延迟"),
        (
            "效益指标（20分）",
            "社会效益指标",
            "群众看病负担",
            "定性",
            "有所减轻",
            "",
            "明显减轻",
            20,
            20,
            "",
        ),
        (
            "满意度指标（10分）",
            "服务对象满意度指标",
            "参保群众满意度",
            "≥",
            "90",
            "%",
            "93.5%",
            10,
            9,
            "宣传不够",
        ),
    ]
    r = 14
    for line in lines:
        for col, value in zip("ABCDEFGHIJ", line, strict=True):
            if value not in (None, ""):
                ws[f"{col}{r}"] = value
        r += 1
    ws[f"A{r}"], ws[f"H{r}"], ws[f"I{r}"] = "总分", 100, 96.6
    ws[f"A{r + 1}"] = "注：1.定量指标填写实际完成数。"
    ws[f"A{r + 2}"] = "2.定性指标按完成比例填写。"
    ws[f"A{r + 3}"], ws[f"D{r + 3}"], ws[f"H{r + 3}"] = (
        "填表人：李红",
        "审核人：周强",
        "填报日期：　　年　　月　　日",
    )
    ws[f"A{r + 4}"] = "联系电话：0734-6281234"
    notes = wb.create_sheet("说明")
    notes["A1"], notes["B1"] = "自评等级", "优"
    values = [
        "城乡居民基本医疗保险财政补助",
        "王建国 0731-8456123",
        "祁东县医疗保障局",
        "祁东县医疗保障事务中心",
        "1200.5",
        "1350.874",
        "1298.12",
        "96.09%",
        "9.6",
        "保障参保群众基本医疗需求，财政补助标准达到每人每年580元。",
        "全年补助资金按时足额拨付，参保率稳定在95%以上。",
        "参保人数",
        "52000",
        "人",
        "53817",
        "……",
        "参保率",
        "96.2%",
        "资金拨付及时率",
        "第四季度拨付延迟",
        "群众看病负担",
        "有所减轻",
        "明显减轻",
        "参保群众满意度",
        "93.5%",
        "宣传不够",
        "96.6",
        "李红",
        "周强",
        "0734-6281234",
        "优",
        "转移支付（项目）名称",
        "项目负责人及电话",
        "年初设定目标",
        "年度总体目标完成情况综述",
        "数量指标（指标）",
    ]
    return book_bytes(wb), values


def unknown_layout() -> tuple[bytes, list[str]]:
    """A sheet the reader cannot place: a list of figures with no indicator grid."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "2020年度专项资金使用情况绩效自评表"
    ws["A2"], ws["B2"] = "资金名称", "农村饮水安全工程维修养护补助"
    ws["A3"], ws["B3"], ws["C3"] = "考核内容", "完成情况", "评价"
    ws["A4"], ws["B4"], ws["C4"] = "维修工程处数", "38处", "完成"
    ws["A5"], ws["B5"], ws["C5"] = "受益人口", "2.3万人", "良好"
    values = ["农村饮水安全工程维修养护补助", "维修工程处数", "38处", "受益人口", "2.3万人", "良好"]
    return book_bytes(wb), values


def listed_layout(name: str = "农村饮水安全工程维修养护补助", people: str = "2.3万人") -> bytes:
    """A county's own list layout: name, one funds row, indicators as a plain list."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效"
    ws["A1"] = "2020年度专项资金绩效自评表"
    ws["A2"], ws["B2"] = "资金名称", name
    for col, text in zip("ABC", ("资金", "预算", "执行"), strict=True):
        ws[f"{col}4"] = text
    ws["A5"], ws["B5"], ws["C5"] = "合计", 120, 118.5
    for col, text in zip("ABCDE", ("指标", "目标", "完成", "分值", "得分"), strict=True):
        ws[f"{col}7"] = text
    ws.append(["维修工程处数", "38处", "38处", 50, 50])
    ws.append(["受益人口", people, people, 50, 48])
    ws["A11"] = "评价等级：良"
    return book_bytes(wb)


def transfer_offset() -> bytes:
    """A 2019-layout transfer-payment form typed from column B, a 附件 line above the title,
    a blank row inside, the whole signature line blank in one cell."""
    wb = openpyxl.Workbook()
    ws = wb.active
    rows = [
        [],
        [None, "附件2"],
        [None, "中央对地方转移支付项目绩效目标自评表"],
        [None, "（ 2022 年度）"],
        [
            None,
            "专项（项目）名称",
            "农村综合改革转移支付",
            None,
            None,
            "负责人及电话",
            "张伟 0871-1234567",
        ],
        [None, "中央主管部门", "财政部"],
        [None, "地方主管部门", "某县财政局", None, None, "资金使用单位", "某县农经站"],
        [None, "项目资金（万元）", None, "全年预算数（A）", "全年执行数（B）", "执行率（B/A）"],
        [None, None, "年度资金总额：", 350.125, 349.5, "99.82%"],
        [None, None, "其中：中央补助", 300, 300, "100%"],
        [None, None, "地方资金", 50.125, 49.5, "98.75%"],
        [None, None, "其他资金"],
        [None, "年度总体目标", "年初设定目标", None, None, "全年实际完成情况"],
        [None, None, "支持村级公益事业建设项目20个", None, None, "完成21个"],
        [],
        [
            None,
            "绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "全年完成值",
            "未完成原因和改进措施",
        ],
        [None, None, "产出指标", "数量指标", "建设项目个数", "≥20个", "21个"],
        [None, None, None, "质量指标", "验收合格率", "100%", "100%"],
        [None, None, "效益指标", "社会效益指标", "受益农户", "≥3000户", "3200户"],
        [None, None, "满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "95%"],
        [None, "说明", "无"],
        [None, "填表人：　　　　审核人：　　　　填报日期：　　年　月　日"],
    ]
    for row in rows:
        ws.append(row)
    return book_bytes(wb)
