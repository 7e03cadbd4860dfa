"""What 导入Excel says about a workbook it refuses, in Chinese: constants, so tests can assert
them. Each names the problem; `CellError` adds the sheet and the cell."""

NO_FORM = (
    "没有找到自评表：工作簿中没有同时含“项目名称”和“三级指标”等栏目的工作表。"
    "请上传本系统导出的 Excel，或按纸质自评表的格式填写的 Excel。"
)
NOT_A_FORM = "不是可识别的自评表：没有找到{missing}。"
ANOTHER_FORM = (
    "这一行起是同一工作表中的另一张表，导入了其上的第一张；其余内容放在其他内容中，请核对。"
)
MANY_FORMS_KEPT = "工作簿中有 {count} 张自评表，导入了第一张；{names}的内容放在其他内容中，请核对。"
NOT_RECOGNISED = (
    "没有识别出这张表的版式（项目名称、资金、目标、指标各栏），全部内容已放在其他内容中。"
    "请在“导入Excel”页指定各栏后重新导入，或在编辑页逐项填写。"
)
MANY_FORMS = (
    "工作簿中有 {count} 张自评表（{names}），一次只能导入一张。请把其余工作表删除或另存后再导入。"
)
YEAR_DIFFERS = "表中年度为{found}年度，与所选的{chosen}年度不同，已按表中的{found}年度导入。"
YEAR_MISMATCH = (
    "表中年度为{found}年度，与所选的{chosen}年度不一致。请选择{found}年度，或改正表中的年度。"
)
PROJECT_NAME_MISSING = "请填写项目名称。"
PROJECT_NAME_FROM_TITLE = "表中没有项目名称栏，已以表名「{title}」作为项目名称，可在编辑页修改。"
TEXT_TOO_LONG = "{label}最多 {limit} 个字，现有 {count} 个。"
AMOUNT_INVALID = "应为金额（数字，单位：万元），实际为「{text}」。"
AMOUNT_NEGATIVE = "金额不能为负数，实际为「{text}」。"
AMOUNT_DECIMALS = "金额最多保留四位小数，实际为「{text}」。"
AMOUNT_TOO_LARGE = "金额过大（最多12位整数），实际为「{text}」。"
POINTS_INVALID = "应为分值（0 到 100 的数字），实际为「{text}」。"
POINTS_DECIMALS = "分值最多保留两位小数，实际为「{text}」。"
SCORE_OVER_WEIGHT = "得分{score}超过本行分值{weight}。"
SCORE_WITHOUT_WEIGHT = "有得分但没有分值，请在{cell}填写本行分值。"
LEVEL3_MISSING = "请填写三级指标。"
TARGET_MISSING = "请填写{label}。"
FUND_ROW_UNKNOWN = "无法识别的资金行「{text}」，应为：{expected}。"
FUND_ROW_TWICE = "资金行「{text}」出现了两次。"
FUND_LABEL_MISSING = "这一行有金额，但没有资金行名称（如“{example}”）。"
FUNDS_NOT_FOUND = "没有找到资金栏：应有“{labels}”等栏目。"
GOALS_NOT_FOUND = "没有找到年度目标栏：应有“{labels}”两栏，其下一行填写内容。"
DATE_INVALID = "应为日期（如 2020年4月15日），实际为「{text}」。"
FORMULA_HELP = (
    "文件中没有保存它的计算结果，导入时不计算公式。请在 Excel 中打开文件并保存后再导入，"
    "或把它改为数值（复制后“选择性粘贴 → 数值”）。"
)
FORMULA_NOT_NUMBER = "应为{kind}，实际为公式「{text}」。" + FORMULA_HELP
AMOUNT_KIND = "金额（数字，单位：万元）"
POINTS_KIND = "分值（0 到 100 的数字）"
COUNT_KIND = "人数（整数）"
# 部门整体: the 指标表 and the 基础数据表 come as two sheets of one workbook.
BASIC_DATA_MISSING = (
    "工作簿中没有部门整体支出绩效评价基础数据表。财政供养人员控制率、“三公经费”变动率等指标的得分"
    "由基础数据表计算，缺少它无法核对表中的自评得分。请把基础数据表作为另一张工作表放入同一文件后"
    "再导入（本系统导出的部门整体自评表含这两张表）。"
)
INDICATORS_MISSING = (
    "工作簿中只有部门整体支出绩效评价基础数据表，没有指标表（含“部门（单位）名称”和“三级指标”"
    "“评分标准”等栏目）。请把指标表放入同一文件后再导入。"
)
MANY_BASIC = "工作簿中有 {count} 张基础数据表（{names}），只能有一张。请删除多余的工作表后再导入。"
BASIC_BLOCK_NOT_FOUND = "没有找到基础数据表的“{caption}”：应有“{labels}”栏目。"
BASIC_ROW_UNKNOWN = "无法识别的行「{text}」，{caption}的行应为：{expected}。"
BASIC_ROW_TWICE = "行「{text}」出现了两次。"
BASIC_LABEL_MISSING = "这一行有数字，但没有项目名称（如“{example}”）。"
BASIC_UNIT_MISMATCH = "基础数据表的填报单位「{found}」与指标表的部门（单位）名称「{name}」不一致，请检查是否放错了表。"
COUNT_INVALID = "应为人数（整数），实际为「{text}」。"
COUNT_NEGATIVE = "人数不能为负数，实际为「{text}」。"
COUNT_TOO_LARGE = "人数过大（最多8位数），实际为「{text}」。"
# After an import, on the page and from import_forms.
IMPORT_SUMMARY = "已导入 {placed} 项；{other} 项放在其他内容；0 项丢弃。"
