#!/usr/bin/env python3
"""Fill the Simplified Chinese catalogue from the table below, then compile it.

Run after `fangkong makemessages -l zh_Hans`: `python3 scripts/translate_zh.py`. Strings missing from the table
are listed, so a new English string cannot slip through untranslated unnoticed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PO = Path(__file__).resolve().parents[1] / "fangkong/locale/zh_Hans/LC_MESSAGES/django.po"

ZH = {
    "Resident ID card": "居民身份证",
    "Passport": "护照",
    "Mainland travel permit for Hong Kong and Macao residents": "港澳居民来往内地通行证",
    "Mainland travel permit for Taiwan residents": "台湾居民来往大陆通行证",
    "Foreign permanent resident ID card": "外国人永久居留身份证",
    "Other document": "其他证件",
    "Unknown document type.": "无法识别的证件类型。",
    "The document number is empty.": "证件号码为空。",
    "A document number has at most 32 letters and digits.": "证件号码最多 32 位字母或数字。",
    "A resident ID number has 18 characters (or 15 for old cards).": "居民身份证号码应为 18 位（旧证 15 位）。",
    "A resident ID number is 17 digits followed by a digit or X.": "居民身份证号码应为 17 位数字加 1 位数字或 X。",
    "The check character of the resident ID number is wrong.": "居民身份证号码校验位错误。",
    "The birth date inside the resident ID number is not a real date.": "居民身份证号码中的出生日期无效。",
    "A phone number has 7 to 15 digits.": "电话号码应为 7 至 15 位数字。",
    "This is not a valid mobile number.": "手机号码无效。",
    "time": "时间",
    "actor id": "操作人编号",
    "actor": "操作人",
    "action": "操作",
    "object type": "对象类型",
    "object id": "对象编号",
    "object": "对象",
    "jurisdiction path": "辖区路径",
    "changed fields": "变更字段",
    "reason": "事由",
    "request id": "请求编号",
    "client address": "客户端地址",
    "audit event": "审计记录",
    "District command HQ": "区指挥部",
    "Street officer": "街道工作人员",
    "Community / grid worker": "社区/网格员",
    "Checkpoint staff": "道口检查站工作人员",
    "Sampler": "采样人员",
    "Laboratory staff": "检测实验室人员",
    "Clinic staff": "医疗机构人员",
    "Work-safety regulator": "安全生产监管人员",
    "Enterprise safety officer": "企业安全员",
    "Skip to content": "跳到正文",
    "Fangkong": "防控",
    "Main": "主导航",
    "Home": "首页",
    "Jurisdictions": "辖区",
    "People": "人员",
    "Import": "导入",
    "Audit": "审计",
    "Log out": "退出",
    "Pages": "分页",
    "Previous": "上一页",
    "Page %(n)s of %(total)s · %(rows)s in all": "第 %(n)s / %(total)s 页 · 共 %(rows)s 条",
    "Next": "下一页",
    "Audit trail": "审计日志",
    "Action": "操作",
    "Actor": "操作人",
    "Object type": "对象类型",
    "Object id": "对象编号",
    "From": "起始日期",
    "To": "截止日期",
    "Filter": "筛选",
    "Time": "时间",
    "Object": "对象",
    "Details": "详情",
    "Reason": "事由",
    "Client address": "客户端地址",
    "No events match.": "没有符合条件的记录。",
    "Welcome, %(name)s": "您好，%(name)s",
    "Your jurisdiction and roles": "您的辖区与角色",
    "You hold no role yet. Ask the district HQ to assign one.": "您尚未分配角色，请联系区指挥部。",
    "Your modules": "您的功能",
    "Streets, communities, villages and grids, with head counts.": "街道、社区、村和网格，及各级人数。",
    "The residents register of your jurisdiction.": "本辖区居民花名册。",
    "Import roster": "导入花名册",
    "Add or update residents from .xlsx or .csv.": "从 .xlsx 或 .csv 文件新增或更新居民。",
    "Every change and every reveal of personal data.": "每一次数据变更和个人信息查看。",
    "The tools for your role arrive with their modules (checkpoints, testing, containment, work safety).": "您角色的功能将随相应模块上线（道口、核酸检测、管控、安全生产）。",
    "Log in": "登录",
    "Wrong username or password.": "用户名或密码错误。",
    "Username": "用户名",
    "Password": "密码",
    "Name": "姓名",
    "Document type": "证件类型",
    "Document number": "证件号码",
    "Phone": "手机号",
    "Sex": "性别",
    "Birth date": "出生日期",
    "Community": "社区",
    "Grid": "网格",
    "Address": "住址",
    "Rejected rows": "未导入的行",
    "Row": "行号",
    "Field": "字段",
    "No community or village of that name or code in your jurisdiction.": "您的辖区内没有该名称或代码的社区/村。",
    "Several communities have this name; give the community code.": "有多个同名社区，请填写社区代码。",
    "No grid of that name or code in the community.": "该社区没有此名称或代码的网格。",
    "The same document number is on row %(row)d with different data.": "第 %(row)d 行已有相同证件号码但信息不同。",
    "Registered in another jurisdiction; ask the street office or HQ to move them.": "此人已在其他辖区登记，请联系街道或指挥部办理迁移。",
    "Excel stored this as a number and lost digits; format the column as text.": "Excel 将此列存为数字，已丢失位数；请把该列设为文本格式。",
    "District": "区",
    "Street / town": "街道/镇",
    "Community / village": "社区/村",
    "Street": "街道",
    "Town": "镇",
    "Village": "村",
    "code": "代码",
    "name": "名称",
    "level": "层级",
    "kind": "类别",
    "path": "路径",
    "jurisdiction": "辖区",
    "Residential compound": "小区",
    "Building": "楼栋",
    "Household": "户",
    "place": "地点",
    "Government department": "政府部门",
    "Employer": "用人单位",
    "School": "学校",
    "Enterprise": "企业",
    "Clinic / hospital": "医疗机构",
    "Testing laboratory": "检测实验室",
    "Venue": "场所",
    "Checkpoint": "道口检查站",
    "supervising department": "主管部门",
    "unit": "单位",
    "Male": "男",
    "Female": "女",
    "Unknown": "未知",
    "document type": "证件类型",
    "sex": "性别",
    "birth date": "出生日期",
    "community": "社区",
    "household": "户",
    "employer / school": "工作单位/学校",
    "address": "住址",
    "registered resident": "户籍居民",
    "person": "人员",
    "Public official": "公职人员",
    "Student": "学生",
    "Key population": "重点人群",
    "Elderly living alone": "独居老人",
    "Bedridden": "卧床人员",
    "role": "角色",
    "Waiting": "等待中",
    "Running": "进行中",
    "Done": "已完成",
    "Failed": "失败",
    "The file is neither UTF-8 nor GBK text.": "文件既不是 UTF-8 也不是 GBK 编码的文本。",
    "The header row has no column “%(c)s”.": "表头缺少“%(c)s”列。",
    "Upload an .xlsx, .xls or .csv file.": "请上传 .xlsx、.xls 或 .csv 文件。",
    "The file is empty.": "文件为空。",
    "This is not a readable spreadsheet.": "无法读取该电子表格。",
    "The name is required.": "姓名必填。",
    "The name is longer than 64 characters.": "姓名超过 64 个字符。",
    "The grid does not belong to the community.": "该网格不属于该社区。",
    "Choose a community or village.": "请选择社区或村。",
    "A person with this document number is already registered.": "该证件号码已登记。",
    "Say why you need the full numbers (at least %(n)d characters).": "请说明查看完整号码的事由（至少 %(n)d 个字）。",
    "Writing to the register…": "正在写入花名册…",
    "Checking rows…": "正在校验…",
    "The file could not be imported:": "文件无法导入：",
    "Done: %(c)s created, %(u)s updated, %(n)s unchanged, %(r)s rejected.": "完成：新增 %(c)s，更新 %(u)s，未变 %(n)s，未导入 %(r)s。",
    "Download the rejected rows (.xlsx)": "下载未导入的行（.xlsx）",
    "The first 200 are shown; the download has them all.": "仅显示前 200 条，下载文件包含全部。",
    "Born": "出生",
    "No one matches.": "没有符合条件的人员。",
    "Reveal": "查看完整号码",
    "Import residents roster": "导入居民花名册",
    "An .xlsx workbook or a .csv file (UTF-8 or GBK). The first row names the columns:": ".xlsx 工作簿或 .csv 文件（UTF-8 或 GBK），第一行为表头：",
    "Download the template": "下载模板",
    "People are matched on their document number: importing the same file again changes nothing. Rows with errors "
    "are listed and can be downloaded; the valid rows are written.": "按证件号码识别人员：重复导入同一文件不会产生变化。有错误的行会列出并可下载，其余行正常写入。",
    "File": "文件",
    "Import another file": "导入其他文件",
    "You are here": "当前位置",
    "People here": "本辖区人员",
    "Kind": "类别",
    "Code": "代码",
    "Below": "下级数",
    "Nothing below this level.": "没有下级。",
    "Name (from the start), ID number or phone": "姓名（从首字匹配）、证件号码或手机号",
    "Tag": "标签",
    "Any": "全部",
    "Search": "查询",
    "Export .xlsx": "导出 .xlsx",
    "Document": "证件",
    "Employer / school": "工作单位/学校",
    "Tags": "标签",
    "Full document number and phone": "完整证件号码和手机号",
    "Revealing is recorded in the audit trail with your name and reason.": "查看完整号码将连同您的姓名和事由记入审计日志。",
    "Choose a file to import.": "请选择要导入的文件。",
    "The file is larger than 50 MB; split it.": "文件超过 50 MB，请拆分后导入。",
    "Xinglongtai District Prevention and Control Platform": "兴隆台区疫情防控与安全生产指挥平台",
}

# Same English word, different Chinese by context ({% trans "Name" context "jurisdiction" %}).
ZH_CONTEXT = {
    ("jurisdiction", "Name"): "名称",
}


def unquote(lines: list[str]) -> str:
    return "".join(re.match(r'^(?:msgid |msgstr )?"(.*)"$', ln).group(1) for ln in lines).replace('\\"', '"')


def _unfuzzy(line: str) -> str:
    # The table is the translation: a guess makemessages marked fuzzy is replaced, so the flag goes.
    return line.replace("#, fuzzy, ", "#, ") if line.startswith("#, fuzzy, ") else line


def main() -> int:
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")
    missing = []
    out = []
    for entry in entries:
        lines = entry.split("\n")
        try:
            i = next(k for k, ln in enumerate(lines) if ln.startswith("msgid "))
            j = next(k for k, ln in enumerate(lines) if ln.startswith("msgstr "))
        except StopIteration:
            out.append(entry)
            continue
        msgid = unquote(lines[i:j])
        if not msgid:
            # The header: msgfmt ignores a fuzzy one, and with it the charset.
            out.append("\n".join(ln for ln in lines if ln != "#, fuzzy"))
            continue
        context = next((unquote([ln.removeprefix("msgctxt ")]) for ln in lines if ln.startswith("msgctxt ")), None)
        zh = ZH_CONTEXT.get((context, msgid)) if context else ZH.get(msgid)
        if zh is None:
            missing.append(f"{context}|{msgid}" if context else msgid)
            out.append(entry)
            continue
        lines = [_unfuzzy(ln) for ln in lines[:j] if not ln.startswith("#|") and ln != "#, fuzzy"]
        lines.append('msgstr "' + zh.replace('"', '\\"') + '"')
        out.append("\n".join(lines))
    PO.write_text("\n\n".join(out), encoding="utf-8")
    subprocess.run(["msgfmt", "--check-format", "-o", str(PO.with_suffix(".mo")), str(PO)], check=True)
    if missing:
        print("untranslated:", *missing, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
