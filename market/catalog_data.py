"""Seed data of the service catalog (中介服务事项): intermediary services that Chinese
investment-project approval still requires, each with its legal basis, the approval it serves,
a default service time limit, workflow, application conditions, fee standard and the
qualifications that the law still requires *today*.

How to read this data
---------------------
* ``required_qualifications`` lists only what a law, administrative regulation or ministerial
  rule in force still requires; a quota, region, size or "registered capital" condition is never a
  qualification.  ``holder`` says whether the firm or a person (a registered professional) must
  hold it.  Many firm qualifications were abolished in 2015-2021; ``abolished_zh/_en`` records
  which, so that nobody asks for them again.
* ``department_commissioned`` marks technical reviews (技术审查/评估/评审) that an approving
  department commissions for its *own* review.  Under 国办发〔2015〕31号 (State Council General
  Office notice of 2015-04-27 on cleaning up intermediary services for State Council
  departments' approvals) such services must be bought through competition and paid from the
  department's budget, never passed on to the applicant.  They are separate items from the
  report that the enterprise buys (e.g. ``EIA-TECH-REVIEW`` versus ``EIA-REPORT``).
* ``time_limit_wd`` is a default service commitment of the agency in working days, not a legal
  deadline; applicants and agencies may agree on another one per task.
* Prices: the NDRC liberalised almost all construction-project professional service prices
  (发改价格〔2014〕1573号, 发改价格〔2015〕299号 and related notices), so every item here is
  ``market``; where a locality still publishes a guidance price or a budget expenditure standard
  the fee note says so.
* Under 国办发〔2019〕11号 (reform of construction-project approval, 2019-03-13) development
  zones and industrial parks may run government-paid *regional assessments* (区域评估) covering
  e.g. mineral overlay, geological hazards, seismic safety, water resources, flood impact,
  climate and cultural relics; a project inside such an area may then need no separate report.

Status of the law: compiled from statute texts and ministerial rules known to the authors,
checked where possible against stored public copies of the texts (2026).  Whatever the authors
could not confirm (an article number, the instrument that abolished something, a local
variation) is said in ``note_en``; an operator can correct every field through the audited
catalog editor.
"""

from __future__ import annotations

CATEGORIES = (
    "environment",
    "water",
    "geology",
    "seismic",
    "meteorology",
    "cultural_relics",
    "land",
    "mineral",
    "energy",
    "safety",
    "occupational_health",
    "construction",
    "cost",
    "surveying",
    "fire",
    "real_estate",
    "transport",
    "lightning",
    "planning",
    "social",
)
FEE_STANDARDS = ("market", "government")

# Frequently cited instruments, written once.
_GBF_2015_31_ZH = (
    "《国务院办公厅关于清理规范国务院部门行政审批中介服务的通知》（国办发〔2015〕31号）："
    "审批部门在审批过程中委托开展的技术性服务活动，必须通过竞争方式选择服务机构，"
    "服务费用一律由审批部门支付并纳入部门预算，不得转嫁给申请人"
)
_GBF_2015_31_EN = (
    "State Council General Office Notice on cleaning up intermediary services for approvals "
    "(Guobanfa [2015] No. 31, 2015-04-27): technical services that an approving department "
    "commissions during approval must be bought through competition and paid by that department "
    "from its budget, never passed on to the applicant"
)
_PRICE_LIB_ZH = (
    "实行市场调节价，由委托双方协商确定；国家发展改革委已放开建设项目专业服务价格（《关于放开部分"
    "建设项目服务收费标准有关问题的通知》发改价格〔2014〕1573号、"
    "《关于进一步放开建设项目专业服务价格的通知》发改价格〔2015〕299号），"
    "本事项无政府定价或政府指导价。"
)
_PRICE_LIB_EN = (
    "Market-regulated price agreed between the parties. The NDRC liberalised construction-project "
    "professional service prices (Fagai Jiage [2014] No. 1573 and [2015] No. 299); no government "
    "or government-guided price applies to this service."
)


def _grades(*names: tuple[str, str, str]) -> list[dict]:
    return [{"code": code, "name_zh": zh, "name_en": en} for code, zh, en in names]


_AB = _grades(("A", "甲级", "grade A"), ("B", "乙级", "grade B"))

#: The types of qualification (资质类型) a law still requires for some service item, plus those
#: agencies commonly hold. ``grades`` are listed from the highest down (an empty list: the type has
#: no grades); ``scope`` says whether a certificate states a speciality or scope (专业类别);
#: ``names`` are the words by which free-text declarations made before the types existed are
#: recognised (migration 0009 keeps its own frozen copy).
QUALIFICATION_TYPES: list[dict] = [
    {
        "code": "eia-engineer",
        "name_zh": "环境影响评价工程师职业资格证书",
        "name_en": "Environmental impact assessment engineer certificate",
        "holder": "person",
        "grades": [],
        "scope": False,
        "names": ["环境影响评价工程师", "环评工程师"],
    },
    {
        "code": "geo-hazard",
        "name_zh": "地质灾害防治单位资质",
        "name_en": "Geological hazard prevention qualification",
        "holder": "firm",
        "grades": list(_AB),
        "scope": True,
        "names": ["地质灾害防治单位资质", "地质灾害评估", "地质灾害危险性评估"],
    },
    {
        "code": "safety-evaluation",
        "name_zh": "安全评价机构资质",
        "name_en": "Safety evaluation agency qualification",
        "holder": "firm",
        "grades": [],
        "scope": True,
        "names": ["安全评价机构资质", "安全评价资质"],
    },
    {
        "code": "occupational-health",
        "name_zh": "职业卫生技术服务机构资质",
        "name_en": "Occupational health technical service agency qualification",
        "holder": "firm",
        "grades": [],
        "scope": True,
        "names": ["职业卫生技术服务机构资质", "放射卫生技术服务机构资质"],
    },
    {
        "code": "drawing-review-agency",
        "name_zh": "施工图审查机构认定",
        "name_en": "Recognition as a drawing review agency",
        "holder": "firm",
        "grades": _grades(("1", "一类", "class 1"), ("2", "二类", "class 2")),
        "scope": True,
        "names": ["施工图审查机构"],
    },
    {
        "code": "drawing-reviewer",
        "name_zh": "审查人员注册执业资格",
        "name_en": "Registered practising qualification of reviewers",
        "holder": "person",
        "grades": [],
        "scope": False,
        "names": ["审查人员注册执业资格"],
    },
    {
        "code": "cost-engineer",
        "name_zh": "注册造价工程师",
        "name_en": "Registered cost engineer",
        "holder": "person",
        "grades": _grades(("1", "一级", "class 1"), ("2", "二级", "class 2")),
        "scope": False,
        "names": ["注册造价工程师", "造价工程师"],
    },
    {
        "code": "surveying",
        "name_zh": "测绘资质",
        "name_en": "Surveying and mapping qualification",
        "holder": "firm",
        "grades": list(_AB),
        "scope": True,
        "names": ["测绘资质"],
    },
    {
        "code": "fire-engineer",
        "name_zh": "注册消防工程师",
        "name_en": "Registered fire engineer",
        "holder": "person",
        "grades": _grades(("1", "一级", "class 1"), ("2", "二级", "class 2")),
        "scope": False,
        "names": ["注册消防工程师", "消防工程师"],
    },
    {
        "code": "fire-operator",
        "name_zh": "消防设施操作员国家职业资格",
        "name_en": "Fire facility operator vocational qualification",
        "holder": "person",
        "grades": [],
        "scope": False,
        "names": ["消防设施操作员"],
    },
    {
        "code": "real-estate-appraisal-firm",
        "name_zh": "房地产估价机构备案",
        "name_en": "Record-filing as a real estate appraisal firm",
        "holder": "firm",
        "grades": _grades(
            ("1", "一级", "class 1"), ("2", "二级", "class 2"), ("3", "三级", "class 3")
        ),
        "scope": False,
        "names": ["房地产估价机构"],
    },
    {
        "code": "real-estate-appraiser",
        "name_zh": "注册房地产估价师",
        "name_en": "Registered real estate appraiser",
        "holder": "person",
        "grades": [],
        "scope": False,
        "names": ["注册房地产估价师", "房地产估价师"],
    },
    {
        "code": "lightning-testing",
        "name_zh": "雷电防护装置检测资质",
        "name_en": "Lightning protection device testing qualification",
        "holder": "firm",
        "grades": list(_AB),
        "scope": False,
        "names": ["雷电防护装置检测资质", "防雷检测资质"],
    },
    {
        "code": "engineering-consulting",
        "name_zh": "工程咨询单位资信",
        "name_en": "Engineering consulting credit rating",
        "holder": "firm",
        "grades": list(_AB),
        "scope": True,
        "names": ["工程咨询单位资信", "工程咨询资信"],
    },
]


def _type_of(name_zh: str) -> str:
    """The type of a service item's requirement, by the words that begin its name."""
    for t in QUALIFICATION_TYPES:
        if any(name_zh.startswith(n) for n in t["names"]):
            return t["code"]
    raise ValueError(f"no qualification type for {name_zh}")


def _qual(
    name_zh: str, name_en: str, holder: str, basis_zh: str, basis_en: str, type: str = ""
) -> dict:
    return {
        "type": type or _type_of(name_zh),
        "name_zh": name_zh,
        "name_en": name_en,
        "holder": holder,
        "basis_zh": basis_zh,
        "basis_en": basis_en,
    }


_SURVEY_QUAL = _qual(
    "测绘资质证书（相应专业类别和等级）",
    "Surveying and mapping qualification certificate (matching speciality and grade)",
    "firm",
    "《中华人民共和国测绘法》（2017年4月27日修订）第二十七条、第二十八条；《测绘资质管理办法》"
    "《测绘资质分类分级标准》（自然资办发〔2021〕43号，2021年7月1日起施行）",
    "Surveying and Mapping Law (revised 2017-04-27) arts. 27-28; MNR Measures on surveying "
    "qualifications and the Classification and Grading Standard (Ziranzibanfa [2021] No. 43, in "
    "force 2021-07-01)",
)

SERVICE_ITEMS: list[dict] = [
    # ------------------------------------------------------------------ environment
    {
        "code": "EIA-REPORT",
        "name_zh": "建设项目环境影响报告书编制",
        "name_en": "Preparation of an environmental impact report (EIA report)",
        "category": "environment",
        "legal_basis_zh": (
            "《中华人民共和国环境影响评价法》（2018年12月29日修正）第十六条（分类管理，"
            "可能造成重大环境影响的编制环境影响报告书）、第十七条（报告书内容）、"
            "第十九条（建设单位可委托技术单位编制，技术单位不得与审批部门存在任何利益关系）、"
            "第二十条、第二十二条；《建设项目环境保护管理条例》"
            "（2017年7月16日国务院令第682号修订）第七条、第八条；"
            "《建设项目环境影响评价分类管理名录（2021年版）》（生态环境部令第16号）；"
            "《建设项目环境影响报告书（表）编制监督管理办法》（生态环境部令第9号，"
            "2019年9月20日公布，2019年11月1日施行）；《环境影响评价公众参与办法》"
            "（生态环境部令第4号）。"
        ),
        "legal_basis_en": (
            "Environmental Impact Assessment Law (amended 2018-12-29) art. 16 (classified "
            "management: projects with major impact need a report), art. 17 (content), art. 19 "
            "(the builder may commission a technical unit, which must have no interest relation "
            "with the approving department), arts. 20, 22; Regulation on Environmental Protection "
            "of Construction Projects (State Council Order No. 682, 2017) arts. 7-8; EIA "
            "Classification Catalogue (2021 edition, MEE Order No. 16); Measures on supervising "
            "the preparation of EIA reports and forms (MEE Order No. 9, 2019-09-20, in force "
            "2019-11-01); Measures on public participation in EIA (MEE Order No. 4)."
        ),
        "approval_item_zh": "建设项目环境影响评价文件（报告书）审批",
        "approval_item_en": "Approval of a construction project's environmental impact report",
        "approving_department_zh": "有审批权的生态环境主管部门",
        "approving_department_en": "Competent ecology and environment department",
        "time_limit_wd": 40,
        "workflow_zh": [
            "签订委托合同，收集项目建设内容、工艺和选址资料",
            "现场踏勘、环境现状调查与监测",
            "协助建设单位按《环境影响评价公众参与办法》开展信息公开和公众参与",
            "影响预测与评价，提出环保措施，编制报告书并经内部质量审核",
            "交付建设单位报批，配合技术评估按意见修改完善",
            "交付终稿，并在环境影响评价信用平台提交编制单位和人员信息",
        ],
        "workflow_en": [
            "Sign the contract; collect data on scope, process and site",
            "Site visit, baseline survey and monitoring",
            "Help the builder run disclosure and public participation under MEE Order No. 4",
            "Impact prediction, mitigation measures, draft report and internal quality review",
            "Hand over for submission; revise according to the technical assessment",
            "Deliver the final report and file preparer data on the EIA credit platform",
        ],
        "conditions_zh": (
            "建设单位提供：项目审批、核准或备案文件；建设内容、规模、工艺流程和原辅材料；"
            "总平面布置图和选址、用地资料；相关规划及“三线一单”符合性材料；"
            "改扩建项目的既有环保手续和排污许可情况；公众参与所需的配合。"
        ),
        "conditions_en": (
            "The builder provides: the project approval, verification or filing document; scope, "
            "scale, process and raw materials; site plan and land documents; evidence of "
            "conformity with plans and the 'three lines, one list' zoning; existing environmental "
            "permits for an extension; cooperation for public participation."
        ),
        "fee_standard": "market",
        "fee_note_zh": (
            "环境影响咨询费已由发改价格〔2015〕299号全面放开，实行市场调节价；原《国家计委、"
            "国家环境保护总局关于规范环境影响咨询收费有关问题的通知》（计价格〔2002〕125号）"
            "标准不再作为政府指导价执行。审批部门审批环评文件不得收取任何费用"
            "（环评法第二十二条）。"
        ),
        "fee_note_en": (
            "EIA consulting fees were fully liberalised by Fagai Jiage [2015] No. 299; the old "
            "guidance tariff (Jijiage [2002] No. 125) no longer applies. The approving department "
            "may charge nothing for reviewing EIA documents (EIA Law art. 22)."
        ),
        "required_qualifications": [
            _qual(
                "环境影响评价工程师职业资格证书（编制主持人）",
                "Environmental impact assessment engineer certificate (chief compiler)",
                "person",
                "《建设项目环境影响报告书（表）编制监督管理办法》（生态环境部令第9号）第九条："
                "编制主持人和主要编制人员应当为编制单位全职人员，"
                "编制主持人应当取得环境影响评价工程师职业资格证书",
                "MEE Order No. 9 art. 9: the chief compiler and main compilers must be full-time "
                "staff of the compiling unit, and the chief compiler must hold the EIA engineer "
                "certificate",
            ),
        ],
        "abolished_zh": (
            "原建设项目环境影响评价机构资质（甲级、乙级）已由2018年12月29日第十三届全国人大常委会"
            "第七次会议修正的《环境影响评价法》取消；生态环境部令第9号施行后，"
            "《建设项目环境影响评价资质管理办法》不再适用。"
            "现行要求针对编制单位的独立性和编制人员。"
        ),
        "abolished_en": (
            "The EIA agency qualification (grades A and B) was abolished by the amendment of the "
            "EIA Law adopted 2018-12-29; since MEE Order No. 9 the former Measures on EIA "
            "qualifications no longer apply. Current rules target the compiler's independence and "
            "the persons who compile."
        ),
        "department_commissioned": False,
        "note_en": (
            "Art. 9 of MEE Order No. 9 also bars units set up by the approving department, and "
            "units doing technical assessments for it, from compiling reports; the article number "
            "was recalled from the official text and should be confirmed when the text is "
            "re-checked."
        ),
    },
    {
        "code": "EIA-FORM",
        "name_zh": "建设项目环境影响报告表编制",
        "name_en": "Preparation of an environmental impact form (EIA form)",
        "category": "environment",
        "legal_basis_zh": (
            "《中华人民共和国环境影响评价法》（2018年12月29日修正）"
            "第十六条（可能造成轻度环境影响的编制环境影响报告表）、第十九条、"
            "第二十二条（报告表审批期限三十日）；《建设项目环境保护管理条例》（2017年修订）"
            "第七条、第九条；《建设项目环境影响评价分类管理名录（2021年版）》；"
            "《建设项目环境影响报告书（表）编制监督管理办法》（生态环境部令第9号）；"
            "《建设项目环境影响报告表》内容、格式及编制技术指南（环办环评〔2020〕33号）。"
        ),
        "legal_basis_en": (
            "EIA Law (amended 2018-12-29) art. 16 (projects with light impact need a form), art. "
            "19, art. 22 (30-day approval limit for forms); Regulation on Environmental "
            "Protection of Construction Projects (2017) arts. 7, 9; EIA Classification Catalogue "
            "(2021); MEE Order No. 9; MEE technical guidelines on the content and format of EIA "
            "forms (Huanban Huanping [2020] No. 33)."
        ),
        "approval_item_zh": "建设项目环境影响评价文件（报告表）审批",
        "approval_item_en": "Approval of a construction project's environmental impact form",
        "approving_department_zh": "有审批权的生态环境主管部门",
        "approving_department_en": "Competent ecology and environment department",
        "time_limit_wd": 20,
        "workflow_zh": [
            "签订委托合同，收集项目资料",
            "现场踏勘和必要的环境现状调查或监测",
            "按技术指南编制报告表及专项评价，内部质量审核",
            "交付建设单位报批，按审批部门意见修改",
            "交付终稿并在环境影响评价信用平台提交编制信息",
        ],
        "workflow_en": [
            "Sign the contract and collect project data",
            "Site visit and any necessary baseline survey or monitoring",
            "Draft the form and special assessments per the guidelines; internal quality review",
            "Hand over for submission; revise according to the approving department",
            "Deliver the final form and file preparer data on the EIA credit platform",
        ],
        "conditions_zh": (
            "建设单位提供：项目审批、核准或备案文件；建设内容、规模和工艺；平面布置图；"
            "选址及用地资料；改扩建项目既有环保手续。"
        ),
        "conditions_en": (
            "The builder provides: project approval, verification or filing document; scope, "
            "scale and process; layout plan; site and land documents; existing permits for an "
            "extension."
        ),
        "fee_standard": "market",
        "fee_note_zh": (
            "环境影响咨询费已由发改价格〔2015〕299号全面放开，实行市场调节价，由委托双方协商确定。"
        ),
        "fee_note_en": (
            "EIA consulting fees were fully liberalised by Fagai Jiage [2015] No. 299; the price "
            "is agreed between the parties."
        ),
        "required_qualifications": [
            _qual(
                "环境影响评价工程师职业资格证书（编制主持人）",
                "Environmental impact assessment engineer certificate (chief compiler)",
                "person",
                "《建设项目环境影响报告书（表）编制监督管理办法》（生态环境部令第9号）第九条",
                "MEE Order No. 9 art. 9",
            ),
        ],
        "abolished_zh": (
            "原建设项目环境影响评价机构资质已由2018年12月29日修正的《环境影响评价法》取消。"
        ),
        "abolished_en": (
            "The EIA agency qualification was abolished by the EIA Law amendment of 2018-12-29."
        ),
        "department_commissioned": False,
        "note_en": (
            "The guideline number Huanban Huanping [2020] No. 33 was recalled, not re-checked."
        ),
    },
    {
        "code": "EIA-TECH-REVIEW",
        "name_zh": "环境影响报告书（表）技术评估",
        "name_en": "Technical assessment of an EIA report or form (for the approving department)",
        "category": "environment",
        "legal_basis_zh": (
            "《建设项目环境保护管理条例》（2017年修订）第九条第三款："
            "环境保护行政主管部门可以组织技术机构对建设项目环境影响报告书、"
            "环境影响报告表进行技术评估，并承担相应费用；技术机构不得向建设单位、"
            "从事环境影响评价工作的单位收取任何费用。《环境影响评价法》第二十二条"
            "（审批不得收取任何费用）；" + _GBF_2015_31_ZH + "。"
        ),
        "legal_basis_en": (
            "Regulation on Environmental Protection of Construction Projects (2017) art. 9(3): "
            "the environment department may have a technical body assess an EIA report or form "
            "and bears the cost; the body may charge neither the builder nor the EIA compiler. "
            "EIA Law "
            "art. 22 (no fee for approval); " + _GBF_2015_31_EN + "."
        ),
        "approval_item_zh": "建设项目环境影响评价文件审批（审批部门组织的技术评估）",
        "approval_item_en": (
            "Approval of EIA documents (technical assessment organised by the approver)"
        ),
        "approving_department_zh": "有审批权的生态环境主管部门（委托方、付费方）",
        "approving_department_en": (
            "Competent ecology and environment department (client and payer)"
        ),
        "time_limit_wd": 20,
        "workflow_zh": [
            "审批部门受理环评文件后在平台以竞争方式选取评估机构并签订委托合同",
            "评估机构进行形式审查和技术审查，必要时组织现场踏勘和专家评审会",
            "出具技术评估意见和修改要求",
            "复核修改稿，出具最终技术评估报告",
            "审批部门验收成果并从部门预算支付费用",
        ],
        "workflow_en": [
            "After accepting the EIA file, the department selects an assessor competitively and "
            "contracts",
            "Formal and technical review; site visit and expert meeting where needed",
            "Issue the technical assessment opinion with requested changes",
            "Check the revised file and issue the final assessment report",
            "The department accepts the deliverable and pays from its budget",
        ],
        "conditions_zh": (
            "委托方（生态环境主管部门）提供已受理的环评文件、建设单位申请材料和公众参与说明；"
            "评估机构不得与建设单位、环评编制单位存在利益关系；"
            "受审批部门委托开展技术评估的单位不得编制环境影响报告书（表）"
            "（生态环境部令第9号第九条）。"
        ),
        "conditions_en": (
            "The client (environment department) provides the accepted EIA file, the builder's "
            "application and the public-participation statement. The assessor must have no "
            "interest relation with the builder or the compiler, and a unit that assesses for the "
            "approving department may not itself compile EIA reports or forms (MEE Order No. 9 "
            "art. 9)."
        ),
        "fee_standard": "market",
        "fee_note_zh": (
            "费用由审批部门承担并纳入部门预算，评估机构不得向建设单位或环评编制单位收取任何费用（"
            "条例第九条、国办发〔2015〕31号）；价格通过平台竞争确定，"
            "地方另有预算支出标准的从其规定。"
        ),
        "fee_note_en": (
            "Paid by the approving department from its budget; the assessor may charge neither "
            "the builder nor the compiler (Regulation art. 9; Guobanfa [2015] No. 31). The price "
            "is set by competition on the platform, within any local budget expenditure standard."
        ),
        "required_qualifications": [],
        "abolished_zh": "",
        "abolished_en": "",
        "department_commissioned": True,
        "note_en": (
            "The Ministry of Environmental Protection answered publicly in 2017 that there are no "
            "qualification or speciality restrictions on technical assessment bodies."
        ),
    },
    # ------------------------------------------------------------------ water
    {
        "code": "SWC-PLAN",
        "name_zh": "生产建设项目水土保持方案编制",
        "name_en": "Preparation of a soil and water conservation plan",
        "category": "water",
        "legal_basis_zh": (
            "《中华人民共和国水土保持法》（2010年12月25日修订）第二十五条（在山区、丘陵区、"
            "风沙区等开办可能造成水土流失的生产建设项目，应当编制水土保持方案报水行政主管部门审批"
            "；没有能力编制的，应当委托具备相应技术条件的机构编制）、"
            "第二十六条（未编制或未经批准的不得开工）；《生产建设项目水土保持方案管理办法》"
            "（水利部令第53号，2023年1月17日公布）。"
        ),
        "legal_basis_en": (
            "Soil and Water Conservation Law (revised 2010-12-25) art. 25 (projects in mountains, "
            "hills, sandy areas etc. must prepare a plan for approval by the water department; a "
            "builder unable to prepare it commissions a body with the necessary technical "
            "capacity), art. 26 (no construction without an approved plan); Measures on soil and "
            "water conservation plans of production and construction projects (MWR Order No. 53, "
            "2023-01-17)."
        ),
        "approval_item_zh": "生产建设项目水土保持方案审批（报告书审批，报告表实行承诺制）",
        "approval_item_en": (
            "Approval of the soil and water conservation plan (report; forms by pledge)"
        ),
        "approving_department_zh": "县级以上人民政府水行政主管部门或流域管理机构",
        "approving_department_en": (
            "Water department at county level or above, or river basin agency"
        ),
        "time_limit_wd": 30,
        "workflow_zh": [
            "签订委托合同，收集主体工程设计和用地资料",
            "现场查勘，调查水土流失现状和表土、弃渣情况",
            "水土流失预测，确定防治责任范围和防治措施体系",
            "编制水土保持方案报告书（表）及投资估算，内部审核",
            "交付报批，按技术评审意见修改完善",
        ],
        "workflow_en": [
            "Sign the contract; collect main-works design and land data",
            "Field survey of present erosion, topsoil and spoil",
            "Predict erosion; set the responsibility area and prevention measures",
            "Draft the plan (report or form) with cost estimate; internal review",
            "Hand over for approval and revise according to the technical review",
        ],
        "conditions_zh": (
            "建设单位提供：项目立项文件、可行性研究或初步设计资料、用地范围和土石方平衡资料、"
            "取土（石、砂）场和弃渣场拟选位置。征占地5公顷以上或挖填土石方5万立方米以上的编制报告"
            "书，征占地0.5至5公顷或挖填土石方1000至5万立方米的编制报告表，以下的不需编制方案。"
        ),
        "conditions_en": (
            "The builder provides the project document, feasibility or preliminary design, land "
            "area and earthwork balance, proposed borrow and spoil sites. A report is needed at 5 "
            "ha or 50,000 m3 of earthwork and above; a form between 0.5-5 ha or 1,000-50,000 m3; "
            "below that no plan is needed."
        ),
        "fee_standard": "market",
        "fee_note_zh": (
            "实行市场调节价，无政府定价；水利部《关于开发建设项目水土保持咨询服务费用计列的指导意"
            "见》（保监〔2005〕22号）仅供计列投资估算参考。"
        ),
        "fee_note_en": (
            "Market-regulated, no government price; the MWR guidance on budgeting soil and water "
            "consulting fees (Baojian [2005] No. 22) is only a reference for cost estimates."
        ),
        "required_qualifications": [],
        "abolished_zh": (
            "原水土保持方案编制资格证书（行业组织评定的编制单位资格）已停止实施，"
            "不得再作为承接业务条件；《水土保持法》第二十五条只要求受托机构“具备相应技术条件”。"
        ),
        "abolished_en": (
            "The former compilation qualification certificate for soil and water conservation "
            "plans is no longer issued or required; art. 25 of the Law only asks for 'the "
            "necessary technical capacity'."
        ),
        "department_commissioned": False,
        "note_en": (
            "The abolition came with the State Council's 2015-2017 clean-up of intermediary "
            "qualifications; the exact decision number was not confirmed. The report/form "
            "thresholds were checked against a stored copy of MWR Order No. 53; article numbers "
            "were not confirmed."
        ),
    },
    {
        "code": "SWC-PLAN-REVIEW",
        "name_zh": "水土保持方案报告书技术评审",
        "name_en": (
            "Technical review of a soil and water conservation plan (for the water department)"
        ),
        "category": "water",
        "legal_basis_zh": (
            "《生产建设项目水土保持方案管理办法》（水利部令第53号）："
            "水行政主管部门可以组织技术评审机构对水土保持方案报告书进行技术评审，"
            "技术评审费用由审批部门承担并按照有关规定纳入部门预算，"
            "技术评审时间不得超过30个工作日；" + _GBF_2015_31_ZH + "。"
        ),
        "legal_basis_en": (
            "MWR Order No. 53: the water department may have a technical review body review the "
            "plan report; the review fee is borne by the approving department and budgeted, and "
            "the "
            "review may take at most 30 working days; " + _GBF_2015_31_EN + "."
        ),
        "approval_item_zh": "生产建设项目水土保持方案报告书审批（技术评审）",
        "approval_item_en": (
            "Approval of a soil and water conservation plan report (technical review)"
        ),
        "approving_department_zh": "县级以上人民政府水行政主管部门（委托方、付费方）",
        "approving_department_en": "Water department at county level or above (client and payer)",
        "time_limit_wd": 20,
        "workflow_zh": [
            "水行政主管部门受理报告书后在平台以竞争方式选取评审机构并签订委托合同",
            "评审机构组织现场查勘和专家技术评审会",
            "出具技术评审意见和修改要求",
            "复核修改稿，出具技术评审报告",
            "审批部门验收并从部门预算支付费用",
        ],
        "workflow_en": [
            "After accepting the report, the department selects a reviewer competitively and "
            "contracts",
            "The reviewer organises a site visit and an expert review meeting",
            "Issue the review opinion with requested changes",
            "Check the revised plan and issue the review report",
            "The department accepts and pays from its budget",
        ],
        "conditions_zh": (
            "委托方提供已受理的水土保持方案报告书和申请材料；评审机构不得与建设单位、"
            "方案编制单位存在利害关系。"
        ),
        "conditions_en": (
            "The client provides the accepted plan report and application; the reviewer must have "
            "no conflict of interest with the builder or the plan compiler."
        ),
        "fee_standard": "market",
        "fee_note_zh": (
            "技术评审费用由审批部门承担并纳入部门预算，不得向建设单位或编制单位收取；"
            "价格通过平台竞争确定。"
        ),
        "fee_note_en": (
            "Borne by the approving department from its budget; nothing may be charged to the "
            "builder or the compiler. Price set by competition on the platform."
        ),
        "required_qualifications": [],
        "abolished_zh": "",
        "abolished_en": "",
        "department_commissioned": True,
        "note_en": (
            "The quoted rule is in MWR Order No. 53 (and earlier Shuibao [2019] No. 160); the "
            "article number was not confirmed. Forms (as opposed to reports) are approved by "
            "pledge without review."
        ),
    },
    {
        "code": "WATER-RESOURCE-DEMO",
        "name_zh": "建设项目水资源论证报告（表）编制",
        "name_en": "Preparation of a water resources demonstration report for a project",
        "category": "water",
        "legal_basis_zh": (
            "《中华人民共和国水法》（2016年修正）第二十三条、第四十八条；"
            "《取水许可和水资源费征收管理条例》（国务院令第460号，2017年修订）"
            "第十二条（建设项目需要取水的，申请人还应当提交建设项目水资源论证报告书）；"
            "《建设项目水资源论证管理办法》（水利部、国家计委令第15号，2017年修正）；"
            "规划和建设项目节水评价要求。"
        ),
        "legal_basis_en": (
            "Water Law (amended 2016) arts. 23, 48; Regulation on water abstraction permits and "
            "water resource fees (State Council Order No. 460, revised 2017) art. 12 (a project "
            "that abstracts water must submit a water resources demonstration report); Measures "
            "on water resources demonstration of construction projects (MWR/SDPC Order No. 15, "
            "amended 2017); MWR requirements on water-saving evaluation."
        ),
        "approval_item_zh": "取水许可审批",
        "approval_item_en": "Water abstraction permit",
        "approving_department_zh": "县级以上人民政府水行政主管部门或流域管理机构",
        "approving_department_en": (
            "Water department at county level or above, or river basin agency"
        ),
        "time_limit_wd": 30,
        "workflow_zh": [
            "签订委托合同，收集项目用水、退水和区域水资源资料",
            "现场查勘取水水源和退水口",
            "取水水源论证、用水合理性分析和节水评价",
            "取退水影响及对第三者影响分析，编制论证报告（表）",
            "交付报批，按审查意见修改",
        ],
        "workflow_en": [
            "Sign the contract; collect data on water use, discharge and local water resources",
            "Site visit of the intake and the outfall",
            "Source analysis, rationality of use and water-saving evaluation",
            "Impact on others and on the water body; draft the report or form",
            "Hand over for the permit and revise according to the review",
        ],
        "conditions_zh": (
            "建设单位提供：项目立项文件、用水工艺和用水量、取水水源和地点、"
            "退水方案及与第三者利害关系说明。"
        ),
        "conditions_en": (
            "The builder provides the project document, water-using process and volumes, intended "
            "source and intake location, discharge plan and a statement on third-party interests."
        ),
        "fee_standard": "market",
        "fee_note_zh": _PRICE_LIB_ZH,
        "fee_note_en": _PRICE_LIB_EN,
        "required_qualifications": [],
        "abolished_zh": (
            "原建设项目水资源论证资质（《水文水资源调查评价资质和建设项目水资源论证资质管理办法（"
            "试行）》设定）已取消，不再作为行政许可管理，也不得作为承接业务的条件。"
        ),
        "abolished_en": (
            "The former qualification for water resources demonstration (set by the MWR trial "
            "measures on hydrology and water-resource qualifications) was abolished and may not "
            "be required."
        ),
        "department_commissioned": False,
        "note_en": (
            "The hydrology and water-resource survey qualification was abolished by Guofa [2015] "
            "No. 11; the exact instrument that ended the project demonstration qualification "
            "(2015-2016) was not confirmed. Some provinces commission the technical review of the "
            "report at the department's cost; that review is not listed separately here. Art. 12 "
            "of Order No. 460 as the place of the report requirement was recalled, not re-checked."
        ),
    },
    {
        "code": "FLOOD-IMPACT",
        "name_zh": "洪水影响评价报告（防洪评价）编制",
        "name_en": "Preparation of a flood impact assessment report",
        "category": "water",
        "legal_basis_zh": (
            "《中华人民共和国防洪法》（2016年修正）第十七条、第二十七条（建设跨河、穿河、穿堤、"
            "临河的工程设施，工程建设方案应当经水行政主管部门审查同意）、第三十三条（在洪泛区、"
            "蓄滞洪区内建设非防洪建设项目，应当编制洪水影响评价报告）；《中华人民共和国水法》"
            "第三十八条；《中华人民共和国河道管理条例》（2018年修正）第十一条。"
        ),
        "legal_basis_en": (
            "Flood Control Law (amended 2016) art. 17, art. 27 (works crossing, passing under, "
            "through or alongside rivers and dykes need the water department's consent to the "
            "construction scheme), art. 33 (non-flood-control projects in flood plains and "
            "detention areas need a flood impact assessment report); Water Law art. 38; River "
            "Course Management Regulation (amended 2018) art. 11."
        ),
        "approval_item_zh": (
            "洪水影响评价类审批（河道管理范围内建设项目工程建设方案审批、"
            "非防洪建设项目洪水影响评价报告审批等）"
        ),
        "approval_item_en": (
            "Flood-impact approvals (works within river management areas, flood-plain projects)"
        ),
        "approving_department_zh": "县级以上人民政府水行政主管部门或流域管理机构",
        "approving_department_en": (
            "Water department at county level or above, or river basin agency"
        ),
        "time_limit_wd": 30,
        "workflow_zh": [
            "签订委托合同，收集工程设计、河道和水文资料",
            "现场查勘河道、堤防及周边设施",
            "水文分析计算和必要的数学模型或物理模型计算",
            "分析工程对防洪、河势和第三人的影响，提出防治与补救措施，编制报告",
            "交付报批，按审查意见修改",
        ],
        "workflow_en": [
            "Sign the contract; collect design, river and hydrological data",
            "Site visit of the river, dykes and nearby works",
            "Hydrological analysis and any numerical or physical modelling",
            "Assess effects on flood control, river regime and third parties; propose measures; "
            "draft",
            "Hand over for approval and revise according to the review",
        ],
        "conditions_zh": (
            "建设单位提供：工程建设方案及位置图、设计断面和结构、施工方案、所在河段的管理范围资料。"
        ),
        "conditions_en": (
            "The builder provides the construction scheme and location plan, design sections and "
            "structure, construction method and data on the river management area."
        ),
        "fee_standard": "market",
        "fee_note_zh": _PRICE_LIB_ZH,
        "fee_note_en": _PRICE_LIB_EN,
        "required_qualifications": [],
        "abolished_zh": "",
        "abolished_en": "",
        "department_commissioned": False,
        "note_en": (
            "No national qualification is required for preparing flood impact reports; MWR merged "
            "several river-related approvals into one 'flood impact assessment' approval (c. "
            "2017). Article numbers of the River Course Regulation were not re-checked."
        ),
    },
    # ------------------------------------------------------------------ geology
    {
        "code": "GEO-HAZARD-ASSESS",
        "name_zh": "地质灾害危险性评估",
        "name_en": "Geological hazard risk assessment",
        "category": "geology",
        "legal_basis_zh": (
            "《地质灾害防治条例》（国务院令第394号）第二十一条（在地质灾害易发区内进行工程建设应当"
            "在可行性研究阶段进行地质灾害危险性评估，评估结果作为可行性研究报告的组成部分）、"
            "第二十二条（国家对从事地质灾害危险性评估的单位实行资质管理制度）；"
            "《地质灾害防治单位资质管理办法》（自然资源部令第8号，2022年11月8日公布，"
            "2023年1月1日施行）；《地质灾害危险性评估规范》（GB/T 40112-2021）。"
        ),
        "legal_basis_en": (
            "Regulation on Geological Hazard Prevention (State Council Order No. 394) art. 21 "
            "(works in hazard-prone areas need a risk assessment at feasibility stage, forming "
            "part of the feasibility study), art. 22 (assessors must hold a qualification); "
            "Measures on qualifications of geological hazard prevention units (MNR Order No. 8, "
            "2022-11-08, in force 2023-01-01); standard GB/T 40112-2021."
        ),
        "approval_item_zh": (
            "地质灾害易发区内建设项目可行性研究报告审批（评估结果作为可研组成部分）"
        ),
        "approval_item_en": "Feasibility study approval for works in hazard-prone areas",
        "approving_department_zh": "项目审批部门；自然资源主管部门负责监督",
        "approving_department_en": (
            "Project approving department; natural resources department supervises"
        ),
        "time_limit_wd": 20,
        "workflow_zh": [
            "签订委托合同，收集区域地质和工程资料",
            "野外地质灾害调查与测绘",
            "确定评估级别，进行现状、预测和综合评估",
            "提出防治措施建议，编制评估报告并组织专家论证",
            "交付成果",
        ],
        "workflow_en": [
            "Sign the contract; collect regional geology and project data",
            "Field investigation and mapping of geological hazards",
            "Set the assessment level; current, predictive and overall assessment",
            "Recommend prevention measures; draft the report and hold an expert review",
            "Deliver the report",
        ],
        "conditions_zh": (
            "建设单位提供：项目位置和用地范围图、工程规模和布置、可用的地形图和勘察资料。"
        ),
        "conditions_en": (
            "The builder provides location and land boundary maps, scale and layout of the works, "
            "and any available topographic and investigation data."
        ),
        "fee_standard": "market",
        "fee_note_zh": _PRICE_LIB_ZH,
        "fee_note_en": _PRICE_LIB_EN,
        "required_qualifications": [
            _qual(
                "地质灾害防治单位资质（地质灾害评估和治理工程勘查设计资质，甲级或乙级）",
                "Geological hazard prevention qualification (assessment and "
                "investigation/design), grade A or B",
                "firm",
                "《地质灾害防治条例》第二十二条；《地质灾害防治单位资质管理办法》"
                "（自然资源部令第8号）第二条、第四条、第五条",
                "Regulation on Geological Hazard Prevention art. 22; MNR Order No. 8 arts. 2, 4, 5",
            ),
        ],
        "abolished_zh": "",
        "abolished_en": "",
        "department_commissioned": False,
        "note_en": (
            "NOT abolished: the old three-grade assessment qualification (MLR Order No. 29) was "
            "merged on 2023-01-01 into the grade A/B 'assessment and control-works "
            "investigation/design' qualification approved by provincial natural resources "
            "departments; per MNR announcement 2022 No. 97 old grade B certificates allow only "
            "level-2 assessments until they expire. Which grade may take which assessment level "
            "should be checked in Order No. 8."
        ),
    },
    # ------------------------------------------------------------------ seismic
    {
        "code": "SEISMIC-SAFETY",
        "name_zh": "建设工程地震安全性评价",
        "name_en": "Seismic safety evaluation of a construction site",
        "category": "seismic",
        "legal_basis_zh": (
            "《中华人民共和国防震减灾法》（2008年修订）第三十五条（重大建设工程和可能发生严重次生"
            "灾害的建设工程，应当按照国务院有关规定进行地震安全性评价，"
            "并按评价报告确定的抗震设防要求设防）；《地震安全性评价管理条例》（国务院令第323号，"
            "2017年3月1日、2019年3月2日修订）第六条、第八条；《建设工程抗震管理条例》"
            "（国务院令第744号，2021年9月1日施行）；《工程场地地震安全性评价》（GB 17741）。"
        ),
        "legal_basis_en": (
            "Law on Protecting Against and Mitigating Earthquake Disasters (revised 2008) art. 35 "
            "(major works and works that may cause serious secondary disasters need a seismic "
            "safety evaluation and must follow the seismic design requirement it sets); "
            "Regulation on seismic safety evaluation (State Council Order No. 323, revised "
            "2017-03-01 and 2019-03-02) arts. 6, 8; Regulation on seismic management of "
            "construction works (State Council Order No. 744, in force 2021-09-01); standard GB "
            "17741."
        ),
        "approval_item_zh": "重大建设工程抗震设防要求的确定（评价结果纳入可行性研究和设计）",
        "approval_item_en": (
            "Seismic design requirement of a major work (in feasibility study and design)"
        ),
        "approving_department_zh": "项目审批（核准）部门；地震工作主管部门实施事中事后监管",
        "approving_department_en": "Project approving department; earthquake agency supervises",
        "time_limit_wd": 40,
        "workflow_zh": [
            "签订委托合同，收集工程和区域地震地质资料",
            "区域和近场区地震活动性与地震构造调查",
            "场地工程地震条件勘测和土层动力参数测试",
            "地震危险性分析和场地地震动参数确定，编制评价报告",
            "交付成果并按规定报送地震工作主管部门",
        ],
        "workflow_en": [
            "Sign the contract; collect project and regional seismo-geological data",
            "Regional and near-field seismicity and tectonics survey",
            "Site engineering-seismic survey and soil dynamic tests",
            "Seismic hazard analysis, site ground-motion parameters, draft report",
            "Deliver and file with the earthquake agency as required",
        ],
        "conditions_zh": "建设单位提供：工程位置、类型和规模、抗震设防类别、场地勘察资料。",
        "conditions_en": (
            "The builder provides location, type and scale of the works, seismic fortification "
            "category and site investigation data."
        ),
        "fee_standard": "market",
        "fee_note_zh": "实行市场调节价，由委托双方协商确定；原地方政府指导价标准不再执行。",
        "fee_note_en": (
            "Market-regulated and agreed between the parties; old local guidance tariffs no "
            "longer apply."
        ),
        "required_qualifications": [],
        "abolished_zh": (
            "地震安全性评价单位资质已由2017年3月1日《国务院关于修改和废止部分行政法规的决定》"
            "修订《地震安全性评价管理条例》取消，现仅要求具备相应专业技术人员"
            "和技术条件（条例第六条）。"
        ),
        "abolished_en": (
            "The seismic safety evaluation qualification was abolished by the State Council's "
            "2017-03-01 revision of the Regulation; only suitable specialists and technical "
            "conditions are required (art. 6)."
        ),
        "department_commissioned": False,
        "note_en": (
            "The State Council cancelled the administrative review ('shending') of evaluation "
            "results in 2019 (believed Guofa [2019] No. 6, followed by the 2019-03-02 revision); "
            "the 2008 Law art. 35 still speaks of an 'approved' report and local practice varies, "
            "so no department-commissioned review item is listed. Confirm the decision number."
        ),
    },
    # ------------------------------------------------------------------ meteorology
    {
        "code": "CLIMATE-FEASIBILITY",
        "name_zh": "气候可行性论证",
        "name_en": "Climate feasibility study",
        "category": "meteorology",
        "legal_basis_zh": (
            "《中华人民共和国气象法》（2016年修正）第三十四条第一款（对城市规划、"
            "国家重点建设工程、重大区域性经济开发项目和大型太阳能、"
            "风能等气候资源开发利用项目进行气候可行性论证）；《气象灾害防御条例》第二十七条；"
            "《气候可行性论证管理办法》（中国气象局令第18号，2009年1月1日施行）第四条。"
        ),
        "legal_basis_en": (
            "Meteorology Law (amended 2016) art. 34(1) (climate feasibility studies for urban "
            "plans, key national works, major regional development and large solar and wind "
            "projects); Regulation on meteorological disaster prevention art. 27; Measures on "
            "climate feasibility studies (CMA Order No. 18, in force 2009-01-01) art. 4."
        ),
        "approval_item_zh": "规划和建设项目可行性研究报告审批（气候可行性论证报告作为依据）",
        "approval_item_en": (
            "Approval of plans and feasibility studies (climate study as supporting basis)"
        ),
        "approving_department_zh": "项目审批部门；气象主管机构组织管理",
        "approving_department_en": (
            "Project approving department; meteorological authority oversees"
        ),
        "time_limit_wd": 30,
        "workflow_zh": [
            "签订委托合同，收集项目和气象观测资料",
            "必要时开展现场气象观测",
            "气候适宜性、气象灾害风险和对局地气候影响分析",
            "编制论证报告并组织专家评审",
            "交付成果",
        ],
        "workflow_en": [
            "Sign the contract; collect project and observation data",
            "Field meteorological observation where needed",
            "Analyse climatic suitability, weather-disaster risk and local climate effects",
            "Draft the report and hold an expert review",
            "Deliver the report",
        ],
        "conditions_zh": "建设单位提供：规划或项目位置、规模、主要建筑物和工艺对气象条件的要求。",
        "conditions_en": (
            "The builder provides location and scale of the plan or project and the "
            "meteorological conditions its main structures and processes depend on."
        ),
        "fee_standard": "market",
        "fee_note_zh": _PRICE_LIB_ZH,
        "fee_note_en": _PRICE_LIB_EN,
        "required_qualifications": [],
        "abolished_zh": "",
        "abolished_en": "",
        "department_commissioned": False,
        "note_en": (
            "The Meteorology Law frames the study as organised by the meteorological authority; "
            "in practice builders commission it, and under Guobanfa [2019] No. 11 a "
            "government-paid regional climate assessment may replace it in parks. Whether CMA "
            "Order No. 18 was amended after 2009 and the article number in the "
            "disaster-prevention Regulation were not confirmed."
        ),
    },
    # ------------------------------------------------------------------ cultural relics
    {
        "code": "CULTURAL-RELICS-IMPACT",
        "name_zh": "建设工程文物影响评估",
        "name_en": "Cultural relics impact assessment of a construction project",
        "category": "cultural_relics",
        "legal_basis_zh": (
            "《中华人民共和国文物保护法》（2024年11月8日修订，2025年3月1日施行）"
            "关于在文物保护单位保护范围和建设控制地带内进行建设工程须经文物行政部门同意或批准、"
            "“先调查、后建设”的规定，第四十三条（大型基本建设工程及在保护范围、"
            "建设控制地带内建设的考古调查、勘探）；国家文物局关于基本建设工程中文物保护的规定；"
            "地方规定（如河南省文物局《河南省文物影响评估报告编制要求（试行）》，2023年）。"
        ),
        "legal_basis_en": (
            "Cultural Relics Protection Law (revised 2024-11-08, in force 2025-03-01): works "
            "inside the protection area or construction control zone of a protected site need the "
            "cultural relics department's consent or approval; 'survey before construction'; art. "
            "43 (archaeological survey for large works and works near protected sites); NCHA "
            "rules on relics in capital construction; local rules (e.g. Henan 2023 requirements "
            "for cultural relics impact reports)."
        ),
        "approval_item_zh": (
            "文物保护单位保护范围内建设工程审批、建设控制地带内建设工程设计方案审核"
        ),
        "approval_item_en": (
            "Works in a protected site's protection area or control zone (approval/consent)"
        ),
        "approving_department_zh": "相应级别的文物行政部门（保护范围内的由核定公布的人民政府批准）",
        "approving_department_en": (
            "Cultural relics department of the site's level (government for protection areas)"
        ),
        "time_limit_wd": 30,
        "workflow_zh": [
            "签订委托合同，收集工程方案和文物保护单位档案、保护规划",
            "现场调查文物本体及其环境",
            "分析工程对文物本体、历史风貌和环境的影响",
            "提出避让、减缓和保护措施，编制评估报告",
            "交付成果，配合文物行政部门审查修改",
        ],
        "workflow_en": [
            "Sign the contract; collect the design and the site's records and conservation plan",
            "Field survey of the relics and their setting",
            "Analyse effects on the relics, historic townscape and setting",
            "Propose avoidance, mitigation and protection measures; draft the report",
            "Deliver and revise according to the cultural relics department",
        ],
        "conditions_zh": (
            "建设单位提供：工程选址、总平面和立面方案、施工方案、与文物保护单位的空间关系图。"
        ),
        "conditions_en": (
            "The builder provides site, master plan and elevations, construction method and a map "
            "of the spatial relation with the protected site."
        ),
        "fee_standard": "market",
        "fee_note_zh": _PRICE_LIB_ZH,
        "fee_note_en": _PRICE_LIB_EN,
        "required_qualifications": [],
        "abolished_zh": "",
        "abolished_en": "",
        "department_commissioned": False,
        "note_en": (
            "No national qualification is required for impact assessment; archaeological survey "
            "and excavation themselves are organised by the provincial relics department with "
            "licensed archaeological units and are not this service. The 2024 Law renumbered "
            "articles; only art. 43 was confirmed, the others are described, not numbered."
        ),
    },
    # ------------------------------------------------------------------ mineral
    {
        "code": "MINERAL-OVERLAY",
        "name_zh": "建设项目压覆矿产资源调查评估",
        "name_en": "Assessment of mineral resources overlaid by a construction project",
        "category": "mineral",
        "legal_basis_zh": (
            "《中华人民共和国矿产资源法》（2024年11月8日修订，2025年7月1日施行）"
            "关于建设项目压覆矿产资源和战略性矿产资源原则上不得压覆的规定；"
            "自然资源部关于做好建设项目压覆矿产资源管理工作的通知（2025年，落实新法："
            "建设项目论证时申请压覆查询，确需压覆的编制压覆矿产资源调查报告或评估报告）；"
            "原《国土资源部关于进一步做好建设项目压覆重要矿产资源审批管理工作的通知》"
            "（国土资发〔2010〕137号）。"
        ),
        "legal_basis_en": (
            "Mineral Resources Law (revised 2024-11-08, in force 2025-07-01) on overlaying "
            "mineral resources and the principle that strategic minerals may not be overlaid; MNR "
            "notice of 2025 implementing it (overlay query during project appraisal; an overlay "
            "survey or assessment report where overlay is unavoidable); former MLR notice "
            "Guotuzifa [2010] No. 137."
        ),
        "approval_item_zh": "建设项目压覆矿产资源审批",
        "approval_item_en": "Approval of mineral resource overlay by a construction project",
        "approving_department_zh": "自然资源部（石油、天然气、放射性等矿产）或省级自然资源主管部门",
        "approving_department_en": (
            "MNR (oil, gas, radioactive minerals) or provincial natural resources department"
        ),
        "time_limit_wd": 30,
        "workflow_zh": [
            "协助建设单位向省级自然资源主管部门申请压覆查询",
            "收集查询范围内矿产地、储量和矿业权资料",
            "开展压覆矿产资源调查，估算压覆资源量",
            "编制压覆矿产资源调查报告或评估报告，报送储量评审备案",
            "协助建设单位与矿业权人协商补偿并报批",
        ],
        "workflow_en": [
            "Help the builder file an overlay query with the provincial department",
            "Collect data on deposits, reserves and mining rights in the area",
            "Survey the overlaid resources and estimate their quantity",
            "Draft the survey or assessment report; submit it for reserve review and filing",
            "Help the builder agree compensation with right holders and apply for approval",
        ],
        "conditions_zh": "建设单位提供：项目用地范围坐标、工程布置和压覆查询结果（有效期6个月）。",
        "conditions_en": (
            "The builder provides the land boundary coordinates, layout of the works and the "
            "overlay query result (valid for six months)."
        ),
        "fee_standard": "market",
        "fee_note_zh": _PRICE_LIB_ZH,
        "fee_note_en": _PRICE_LIB_EN,
        "required_qualifications": [],
        "abolished_zh": "原地质勘查资质已取消，压覆评估不再以该资质为承接条件。",
        "abolished_en": (
            "The former geological exploration qualification was abolished and may not be required."
        ),
        "department_commissioned": False,
        "note_en": (
            "The article of the 2024 Mineral Resources Law on overlay and the document number of "
            "the 2025 MNR notice were not confirmed. The exploration qualification is believed "
            "abolished by Guofa [2017] No. 46 - confirm."
        ),
    },
    # ------------------------------------------------------------------ energy
    {
        "code": "ENERGY-REPORT",
        "name_zh": "固定资产投资项目节能报告编制",
        "name_en": "Preparation of an energy-saving report for an investment project",
        "category": "energy",
        "legal_basis_zh": (
            "《中华人民共和国节约能源法》（2018年修正）第十五条（国家实行固定资产投资项目节能评估"
            "和审查制度）；《固定资产投资项目节能审查办法》（国家发展改革委令2023年第2号，"
            "2023年6月1日施行）：政府投资项目在报送可行性研究报告前、"
            "企业投资项目在开工建设前取得节能审查意见。"
        ),
        "legal_basis_en": (
            "Energy Conservation Law (amended 2018) art. 15 (energy assessment and review of "
            "fixed-asset investment projects); Measures on energy-saving review (NDRC Order 2023 "
            "No. 2, in force 2023-06-01): government-funded projects need the review opinion "
            "before submitting the feasibility study, enterprise projects before construction."
        ),
        "approval_item_zh": "固定资产投资项目节能审查",
        "approval_item_en": "Energy-saving review of a fixed-asset investment project",
        "approving_department_zh": (
            "节能审查机关（地方发展改革部门等；年综合能耗1万吨标准煤以上由省级负责）"
        ),
        "approving_department_en": (
            "Energy-saving review authority (local development and reform department)"
        ),
        "time_limit_wd": 20,
        "workflow_zh": [
            "签订委托合同，收集项目工艺、设备和用能资料",
            "测算能源消费量、能效水平和碳排放",
            "节能措施和能源消费对所在地节能目标影响分析，编制节能报告",
            "交付建设单位报审，按评审意见修改",
        ],
        "workflow_en": [
            "Sign the contract; collect process, equipment and energy data",
            "Calculate energy consumption, efficiency and carbon emissions",
            "Analyse measures and the effect on local targets; draft the report",
            "Hand over for review and revise according to the assessment",
        ],
        "conditions_zh": (
            "建设单位提供：项目立项资料、工艺方案、主要用能设备清单、能源供应条件。"
            "年综合能源消费量不满1000吨标准煤且年电力消费量不满500万千瓦时的项"
            "目一般不单独编制节能报告。"
        ),
        "conditions_en": (
            "The builder provides project documents, process scheme, list of main energy-using "
            "equipment and energy supply conditions. Projects below 1,000 tce and 5 GWh a year "
            "usually need no separate report."
        ),
        "fee_standard": "market",
        "fee_note_zh": _PRICE_LIB_ZH,
        "fee_note_en": _PRICE_LIB_EN,
        "required_qualifications": [],
        "abolished_zh": (
            "国家层面未设定节能评估机构资质；部分地方曾设的节能评估机构备案或名录管理已按清理规范"
            "中介服务的要求取消，建设单位可自行编制或委托编制节能报告。"
        ),
        "abolished_en": (
            "No national qualification exists for energy assessment; local agency lists or "
            "filings were removed in the clean-up of intermediary services, and the builder may "
            "prepare the report itself or commission it."
        ),
        "department_commissioned": False,
        "note_en": (
            "The small-project threshold is recalled from the 2016 and 2023 Measures; confirm the "
            "exact wording of NDRC Order 2023 No. 2."
        ),
    },
    {
        "code": "ENERGY-REVIEW",
        "name_zh": "节能报告评审（节能审查机关委托）",
        "name_en": "Assessment of an energy-saving report (for the review authority)",
        "category": "energy",
        "legal_basis_zh": (
            "《固定资产投资项目节能审查办法》（国家发展改革委令2023年第2号）："
            "节能审查机关受理节能报告后"
            "委托有关机构进行评审，形成评审意见，作为节能审查的重要依据；" + _GBF_2015_31_ZH + "；"
            "地方节能评审费用支出标准（如上海市沪发改环资〔2017〕158号）。"
        ),
        "legal_basis_en": (
            "NDRC Order 2023 No. 2: after accepting the report the review authority commissions "
            "an assessment whose opinion is a main basis of the review; "
            + _GBF_2015_31_EN
            + "; local budget expenditure standards for assessments (e.g. Shanghai Hufagai "
            "Huanzi [2017] No. 158)."
        ),
        "approval_item_zh": "固定资产投资项目节能审查（评审）",
        "approval_item_en": "Energy-saving review of an investment project (assessment)",
        "approving_department_zh": "节能审查机关（委托方、付费方）",
        "approving_department_en": "Energy-saving review authority (client and payer)",
        "time_limit_wd": 15,
        "workflow_zh": [
            "节能审查机关受理节能报告后在平台以竞争方式选取评审机构并出具委托函",
            "评审机构初审，一次性告知需补正内容",
            "组织不少于3名专家的评审会",
            "出具评审意见和评审报告",
            "节能审查机关验收并从部门预算支付费用",
        ],
        "workflow_en": [
            "After accepting the report, the authority selects an assessor competitively and "
            "instructs it",
            "Preliminary check; list all missing items at once",
            "Expert meeting with at least three experts",
            "Issue the assessment opinion and report",
            "The authority accepts and pays from its budget",
        ],
        "conditions_zh": (
            "委托方提供已受理的节能报告；评审机构不得评审本机构或关联机构编制的节能报告。"
        ),
        "conditions_en": (
            "The client provides the accepted report; an assessor may not assess a report that it "
            "or a related party prepared."
        ),
        "fee_standard": "market",
        "fee_note_zh": (
            "评审费用由节能审查机关从部门预算支付，不得向建设单位收取；价格通过平台竞争确定，"
            "不超过地方预算支出标准。"
        ),
        "fee_note_en": (
            "Paid by the review authority from its budget, never charged to the builder; price "
            "set by competition within any local budget expenditure standard."
        ),
        "required_qualifications": [],
        "abolished_zh": "",
        "abolished_en": "",
        "department_commissioned": True,
        "note_en": (
            "That the fee is borne by the authority rests on Guobanfa [2015] No. 31 and local "
            "rules; the Measures' own wording on fees was not confirmed."
        ),
    },
    # ------------------------------------------------------------------ safety
    {
        "code": "SAFETY-PRE-EVAL",
        "name_zh": "建设项目安全预评价",
        "name_en": "Safety pre-evaluation of a construction project",
        "category": "safety",
        "legal_basis_zh": (
            "《中华人民共和国安全生产法》（2021年6月10日修正）第三十二条（矿山、"
            "金属冶炼建设项目和用于生产、储存、装卸危险物品的建设项目，"
            "应当按照国家有关规定进行安全评价）、第七十二条（承担安全评价的机构应当具备国家规定的"
            "资质条件）；《建设项目安全设施“三同时”监督管理办法》（原国家安全监管总局令第36号，"
            "2015年修正）第七条、第八条；《危险化学品建设项目安全监督管理办法》"
            "（原国家安全监管总局令第45号，2015年修正）。"
        ),
        "legal_basis_en": (
            "Work Safety Law (amended 2021-06-10) art. 32 (mining, metal smelting and hazardous "
            "goods projects need a safety evaluation), art. 72 (evaluators must meet the state "
            "qualification conditions); Measures on the 'three simultaneities' of safety "
            "facilities (former SAWS Order No. 36, amended 2015) arts. 7-8; Measures on hazardous "
            "chemicals construction projects (former SAWS Order No. 45, amended 2015)."
        ),
        "approval_item_zh": "危险化学品建设项目安全条件审查；非煤矿山等建设项目安全设施设计审查",
        "approval_item_en": (
            "Safety condition review of hazardous-chemical projects; safety design review"
        ),
        "approving_department_zh": "应急管理部门（矿山建设项目为矿山安全监管部门）",
        "approving_department_en": (
            "Emergency management department (mine safety authority for mines)"
        ),
        "time_limit_wd": 30,
        "workflow_zh": [
            "签订委托合同，收集可行性研究和工艺资料",
            "现场勘查，辨识危险有害因素",
            "划分评价单元，定性定量评价，提出安全对策措施",
            "编制安全预评价报告并经机构内部审核",
            "交付成果并在信息公开平台公开报告",
        ],
        "workflow_en": [
            "Sign the contract; collect feasibility and process data",
            "Site survey and identification of hazards",
            "Evaluation units, qualitative and quantitative evaluation, safety measures",
            "Draft the pre-evaluation report; internal review",
            "Deliver and publish the report as required",
        ],
        "conditions_zh": (
            "建设单位提供：可行性研究报告、工艺流程和危险物品清单、总平面布置、周边环境资料。"
        ),
        "conditions_en": (
            "The builder provides the feasibility study, process flow and list of hazardous "
            "substances, site layout and surroundings."
        ),
        "fee_standard": "market",
        "fee_note_zh": (
            "实行市场调节价，由委托双方协商确定；地方原有安全评价收费标准已陆续废止，"
            "个别地方仍有参考价的以当地公布为准。"
        ),
        "fee_note_en": (
            "Market-regulated; former local tariffs were repealed, any remaining local reference "
            "price is advisory."
        ),
        "required_qualifications": [
            _qual(
                "安全评价机构资质",
                "Safety evaluation agency qualification",
                "firm",
                "《安全生产法》第七十二条；《安全评价检测检验机构管理办法》（应急管理部令第1号，"
                "2019年3月20日公布，2019年5月1日施行）",
                "Work Safety Law art. 72; Measures on safety evaluation, testing and inspection "
                "agencies (MEM Order No. 1, 2019-03-20, in force 2019-05-01)",
            ),
        ],
        "abolished_zh": "",
        "abolished_en": "",
        "department_commissioned": False,
        "note_en": (
            "The agency qualification remains (MEM Order No. 1); staffing conditions include "
            "full-time safety evaluators, which the Order checks at firm level rather than as a "
            "separate personal licence for this service. Arts. 32 and 72 follow the 2021 "
            "renumbering of the Work Safety Law as recalled; arts. 7-8 of Order No. 36 were "
            "checked against a stored copy."
        ),
    },
    # ------------------------------------------------------------------ occupational health
    {
        "code": "OCC-HEALTH-PRE-EVAL",
        "name_zh": "建设项目职业病危害预评价",
        "name_en": "Occupational hazard pre-evaluation of a construction project",
        "category": "occupational_health",
        "legal_basis_zh": (
            "《中华人民共和国职业病防治法》（2018年12月29日修正）"
            "第十七条（可能产生职业病危害的建设项目，建设单位在可行性论证阶段应当进行职业病危害预"
            "评价；医疗机构放射性职业病危害建设项目须报卫生行政部门审核）、"
            "第二十六条第三款（评价由取得资质认可的职业卫生技术服务机构进行）；"
            "《职业卫生技术服务机构管理办法》（国家卫生健康委员会令第4号，2021年2月1日施行）；"
            "《建设项目职业病防护设施“三同时”监督管理办法》（原国家安全监管总局令第90号）。"
        ),
        "legal_basis_en": (
            "Law on Prevention and Control of Occupational Diseases (amended 2018-12-29) art. 17 "
            "(projects that may cause occupational hazards need a pre-evaluation at feasibility "
            "stage; radiological projects of medical institutions need health department "
            "approval), art. 26(3) (evaluation by accredited occupational health service "
            "agencies); Measures on occupational health technical service agencies (NHC Order No. "
            "4, in force 2021-02-01); Measures on the 'three simultaneities' of protective "
            "facilities (former SAWS Order No. 90)."
        ),
        "approval_item_zh": (
            "医疗机构放射性职业病危害建设项目预评价报告审核；其他项目由建设单位组织评审、"
            "卫生健康部门监督"
        ),
        "approval_item_en": (
            "Approval for radiological medical projects; others self-reviewed and supervised"
        ),
        "approving_department_zh": "卫生健康主管部门",
        "approving_department_en": "Health department",
        "time_limit_wd": 30,
        "workflow_zh": [
            "签订委托合同，收集可行性研究和工艺资料",
            "现场调查和类比调查，识别职业病危害因素",
            "评价危害程度，提出防护措施建议",
            "编制预评价报告并经机构内部审核",
            "交付成果，配合建设单位组织评审",
        ],
        "workflow_en": [
            "Sign the contract; collect feasibility and process data",
            "Site and analogy surveys; identify occupational hazards",
            "Assess hazard levels and recommend protective measures",
            "Draft the pre-evaluation report; internal review",
            "Deliver and support the builder's review meeting",
        ],
        "conditions_zh": (
            "建设单位提供：可行性研究报告、工艺流程、原辅材料和设备清单、劳动定员和总平面布置。"
        ),
        "conditions_en": (
            "The builder provides the feasibility study, process flow, materials and equipment "
            "lists, staffing and site layout."
        ),
        "fee_standard": "market",
        "fee_note_zh": _PRICE_LIB_ZH,
        "fee_note_en": _PRICE_LIB_EN,
        "required_qualifications": [
            _qual(
                "职业卫生技术服务机构资质（放射性职业病危害项目为放射卫生技术服务机构资质）",
                "Occupational health technical service agency qualification (radiological health "
                "agency for radiological projects)",
                "firm",
                "《职业病防治法》第二十六条第三款；《职业卫生技术服务机构管理办法》"
                "（国家卫生健康委员会令第4号）",
                "Occupational Diseases Law art. 26(3); NHC Order No. 4",
            ),
        ],
        "abolished_zh": "",
        "abolished_en": "",
        "department_commissioned": False,
        "note_en": (
            "Since the 2016-2018 amendments, pre-evaluation reports of ordinary projects are no "
            "longer approved by the health department; only radiological projects of medical "
            "institutions remain subject to approval."
        ),
    },
    # ------------------------------------------------------------------ construction
    {
        "code": "DRAWING-REVIEW",
        "name_zh": "施工图设计文件审查",
        "name_en": "Review of construction drawings",
        "category": "construction",
        "legal_basis_zh": (
            "《建设工程质量管理条例》（2019年4月23日修订）第十一条（施工图设计文件未经审查批准的，"
            "不得使用）；《建设工程勘察设计管理条例》第三十三条；"
            "《房屋建筑和市政基础设施工程施工图设计文件审查管理办法》（住房和城乡建设部令第13号，"
            "2015年、2018年修正）第九条（送审）、第十一条（审查内容）、第十二条（审查时限）；"
            "《国务院办公厅关于全面开展工程建设项目审批制度改革的实施意见》（国办发〔2019〕11号，"
            "推行以政府购买服务方式开展施工图审查）。"
        ),
        "legal_basis_en": (
            "Regulation on Quality Management of Construction Projects (revised 2019-04-23) art. "
            "11 (drawings may not be used before review); Regulation on survey and design art. "
            "33; Measures on review of construction drawings (MOHURD Order No. 13, amended 2015 "
            "and 2018) art. 9 (submission), art. 11 (scope), art. 12 (time limits); Guobanfa "
            "[2019] No. 11 (review to be bought by the government)."
        ),
        "approval_item_zh": "施工图设计文件审查（出具审查合格书）",
        "approval_item_en": "Construction drawing review (review certificate)",
        "approving_department_zh": "住房和城乡建设主管部门（审查机构审查后备案）",
        "approving_department_en": (
            "Housing and urban-rural development department (filing after review)"
        ),
        "time_limit_wd": 15,
        "workflow_zh": [
            "受理施工图和勘察文件，核对送审材料",
            "各专业审查强制性标准、地基基础和主体结构安全、节能等内容",
            "出具审查意见，设计单位修改回复",
            "复审合格后出具审查合格书并加盖审查专用章",
            "审查情况报住房和城乡建设主管部门备案",
        ],
        "workflow_en": [
            "Receive drawings and survey documents; check the submission",
            "Each discipline reviews mandatory standards, foundations, structural safety, energy",
            "Issue review comments; the designer revises and replies",
            "After re-review issue the certificate and stamp the drawings",
            "File the result with the housing department",
        ],
        "conditions_zh": (
            "送审方提供：项目批准文件、全套施工图、岩土工程勘察文件及其他规定材料，并对真实性负责。"
        ),
        "conditions_en": (
            "The submitter provides the project approval, full drawings, geotechnical report and "
            "other required documents, and answers for their truth."
        ),
        "fee_standard": "market",
        "fee_note_zh": (
            "按国办发〔2019〕11号，多数地方已改为政府购买服务，"
            "审查费用由住房和城乡建设部门从预算支付，此时由部门以财政资金发布选取；"
            "仍由建设单位委托的地方实行市场调节价。"
        ),
        "fee_note_en": (
            "Under Guobanfa [2019] No. 11 most localities buy the review with budget money (the "
            "department then posts the task); where the builder still commissions it the price is "
            "market-regulated."
        ),
        "required_qualifications": [
            _qual(
                "施工图审查机构认定（省级住房和城乡建设主管部门认定并公布）",
                "Recognition as a drawing review agency by the provincial housing department",
                "firm",
                "《房屋建筑和市政基础设施工程施工图设计文件审查管理办法》"
                "（住房和城乡建设部令第13号）第六条至第八条",
                "MOHURD Order No. 13 arts. 6-8",
            ),
            _qual(
                "审查人员注册执业资格（如一级注册建筑师、一级注册结构工程师等）",
                "Registered practising qualification of reviewers (e.g. class-1 architect or "
                "structural engineer)",
                "person",
                "《房屋建筑和市政基础设施工程施工图设计文件审查管理办法》第七条、第八条",
                "MOHURD Order No. 13 arts. 7-8",
            ),
        ],
        "abolished_zh": "",
        "abolished_en": "",
        "department_commissioned": False,
        "note_en": (
            "Not flagged department-commissioned because Order No. 13 still has the builder submit "
            "the drawings; where a locality buys the review, the department posts the task with "
            "budget funding. Some localities have dropped or narrowed the review (pledge system). "
            "Article numbers 6-8 for agency and reviewer conditions and art. 33 of the survey and "
            "design Regulation were not re-checked."
        ),
    },
    # ------------------------------------------------------------------ cost
    {
        "code": "COST-CONSULTING",
        "name_zh": "工程造价咨询（估算、概算、预算、结算编制或审核）",
        "name_en": "Construction cost consulting (estimates, budgets, settlement review)",
        "category": "cost",
        "legal_basis_zh": (
            "《政府投资条例》（国务院令第712号）第九条、第十二条（初步设计提出的投资概算）；"
            "《注册造价工程师管理办法》（建设部令第150号，2016年、2020年修正）"
            "关于执业范围和成果文件签章的规定；《国务院关于深化“证照分离”改革进一步激发市场主体发"
            "展活力的通知》（国发〔2021〕7号）；住房和城乡建设部办公厅《关于取消工程造价咨询企业资"
            "质审批加强事中事后监管的通知》（建办标〔2021〕26号）。"
        ),
        "legal_basis_en": (
            "Regulation on Government Investment (State Council Order No. 712) arts. 9, 12 "
            "(investment estimate in the preliminary design); Measures on registered cost "
            "engineers (MOC Order No. 150, amended 2016 and 2020) on scope of practice and "
            "signing of deliverables; Guofa [2021] No. 7 (full coverage of separating permits "
            "from licences); MOHURD General Office notice Jianbanbiao [2021] No. 26 on abolishing "
            "cost consulting firm qualifications."
        ),
        "approval_item_zh": "政府投资项目初步设计及投资概算审批；竣工结算审核",
        "approval_item_en": "Approval of preliminary design and budget estimate; settlement review",
        "approving_department_zh": "投资主管部门或其他有关部门；财政部门（结算评审）",
        "approving_department_en": (
            "Investment authority or other competent department; finance department"
        ),
        "time_limit_wd": 20,
        "workflow_zh": [
            "签订委托合同，收集设计文件、合同和计价依据",
            "工程量计算与计价",
            "编制或审核造价成果文件，与相关方核对",
            "注册造价工程师签字盖章，出具成果文件",
        ],
        "workflow_en": [
            "Sign the contract; collect design, contracts and pricing rules",
            "Quantity take-off and pricing",
            "Prepare or review the cost document; reconcile with the parties",
            "A registered cost engineer signs and seals; issue the deliverable",
        ],
        "conditions_zh": (
            "委托方提供：设计图纸和说明、工程合同、变更签证、适用的计价依据和价格信息。"
        ),
        "conditions_en": (
            "The client provides drawings and specifications, contracts, variations and site "
            "instructions, applicable pricing rules and price information."
        ),
        "fee_standard": "market",
        "fee_note_zh": (
            "工程造价咨询服务收费已放开，实行市场调节价；行业协会发布的收费参考不具强制性。"
        ),
        "fee_note_en": (
            "Cost consulting fees are liberalised and market-regulated; association fee guides "
            "are not binding."
        ),
        "required_qualifications": [
            _qual(
                "注册造价工程师（成果文件签字并加盖执业印章）",
                "Registered cost engineer (signs and seals the deliverable)",
                "person",
                "《注册造价工程师管理办法》（建设部令第150号，2020年住房和城乡建设部令第50号修正）",
                "Measures on registered cost engineers (MOC Order No. 150, amended by MOHURD "
                "Order No. 50 of 2020)",
            ),
        ],
        "abolished_zh": (
            "工程造价咨询企业资质（甲级、乙级）已由《国务院关于深化“证照分离”改革进一步激发市场主"
            "体发展活力的通知》（国发〔2021〕7号，2021年5月19日）取消审批；"
            "住房和城乡建设部办公厅建办标〔2021〕26号明确不得要求企业提供工程"
            "造价咨询企业资质证明。"
        ),
        "abolished_en": (
            "The cost consulting firm qualification (grades A and B) was abolished by Guofa "
            "[2021] No. 7 (2021-05-19); MOHURD notice Jianbanbiao [2021] No. 26 forbids asking "
            "firms for proof of that qualification."
        ),
        "department_commissioned": False,
        "note_en": (
            "Which notice liberalised cost consulting fees (believed Fagai Jiage [2014] No. 2755) "
            "and the article number of the signing rule in Order No. 150 were not confirmed."
        ),
    },
    # ------------------------------------------------------------------ surveying
    {
        "code": "SURVEYING-MAPPING",
        "name_zh": "建设工程测绘（地形图测绘、规划放线、竣工测量等）",
        "name_en": "Construction surveying and mapping (topography, setting-out, as-built)",
        "category": "surveying",
        "legal_basis_zh": (
            "《中华人民共和国测绘法》（2017年4月27日修订）"
            "第二十七条（国家对从事测绘活动的单位实行测绘资质管理制度）、第二十八条、"
            "第三十条（测绘专业技术人员应当具备相应的执业资格条件）；《测绘资质管理办法》"
            "《测绘资质分类分级标准》（自然资办发〔2021〕43号）；"
            "国办发〔2019〕11号（推行“多测合一”）。"
        ),
        "legal_basis_en": (
            "Surveying and Mapping Law (revised 2017-04-27) art. 27 (surveying units need a "
            "qualification), art. 28, art. 30 (professional staff need the relevant practising "
            "conditions); MNR qualification measures and standard (Ziranzibanfa [2021] No. 43); "
            "Guobanfa [2019] No. 11 ('one survey for many uses')."
        ),
        "approval_item_zh": "建设工程规划许可、规划条件核实及不动产登记所需测绘成果",
        "approval_item_en": (
            "Survey results for planning permits, planning verification and registration"
        ),
        "approving_department_zh": "自然资源（规划）主管部门",
        "approving_department_en": "Natural resources (planning) department",
        "time_limit_wd": 10,
        "workflow_zh": [
            "签订委托合同，收集控制点和既有图件",
            "控制测量和外业数据采集",
            "内业处理和成图",
            "质量检查，出具测绘成果报告",
        ],
        "workflow_en": [
            "Sign the contract; collect control points and existing maps",
            "Control survey and field data capture",
            "Office processing and drafting",
            "Quality check and issue the survey report",
        ],
        "conditions_zh": "委托方提供：测区范围、用途和精度要求、规划许可或设计资料。",
        "conditions_en": (
            "The client provides the survey area, purpose, accuracy and any permits or design data."
        ),
        "fee_standard": "market",
        "fee_note_zh": "实行市场调节价；《测绘生产成本费用定额》（财建〔2009〕17号）可作测算参考。",
        "fee_note_en": (
            "Market-regulated; the Ministry of Finance cost norms for surveying (Caijian [2009] "
            "No. 17) may serve as a reference."
        ),
        "required_qualifications": [dict(_SURVEY_QUAL)],
        "abolished_zh": "",
        "abolished_en": "",
        "department_commissioned": False,
        "note_en": "",
    },
    {
        "code": "LAND-BOUNDARY-SURVEY",
        "name_zh": "建设用地勘测定界",
        "name_en": "Land survey and boundary demarcation for construction land",
        "category": "land",
        "legal_basis_zh": (
            "《中华人民共和国土地管理法》（2019年修正）第四十四条、第四十六条；"
            "《中华人民共和国土地管理法实施条例》（国务院令第743号，2021年9月1日施行）；"
            "《建设用地审查报批管理办法》（2016年修正）关于报批材料包括勘测定界图及勘测定界技术报"
            "告书的规定；《土地勘测定界规程》（TD/T 1008）；《中华人民共和国测绘法》第二十七条。"
        ),
        "legal_basis_en": (
            "Land Administration Law (amended 2019) arts. 44, 46; its Implementing Regulation "
            "(State Council Order No. 743, in force 2021-09-01); Measures on review and approval "
            "of construction land (amended 2016) requiring the demarcation map and technical "
            "report; standard TD/T 1008; Surveying and Mapping Law art. 27."
        ),
        "approval_item_zh": "建设用地审批（农用地转用、土地征收、供地）",
        "approval_item_en": "Construction land approval (conversion, expropriation, allocation)",
        "approving_department_zh": "自然资源主管部门；有批准权的人民政府",
        "approving_department_en": "Natural resources department; government with approval power",
        "time_limit_wd": 10,
        "workflow_zh": [
            "签订委托合同，收集用地红线、权属和地类资料",
            "外业界址点测量和埋设界桩",
            "地类和权属面积量算，编制勘测定界图",
            "编写勘测定界技术报告书，质量检查后交付",
        ],
        "workflow_en": [
            "Sign the contract; collect boundary, ownership and land-use data",
            "Field survey of boundary points and placing markers",
            "Compute areas by land class and owner; draw the demarcation map",
            "Write the technical report; quality check and deliver",
        ],
        "conditions_zh": "委托方提供：用地范围坐标或规划红线、项目批准文件、权属资料。",
        "conditions_en": (
            "The client provides boundary coordinates or planning red line, project approval and "
            "ownership records."
        ),
        "fee_standard": "market",
        "fee_note_zh": _PRICE_LIB_ZH,
        "fee_note_en": _PRICE_LIB_EN,
        "required_qualifications": [dict(_SURVEY_QUAL)],
        "abolished_zh": (
            "原国土资源部门单独管理的土地勘测定界单位资格不再作为独立准入条件，统一适用测绘资质。"
        ),
        "abolished_en": (
            "The former separate land-demarcation eligibility of land departments is no longer a "
            "separate entry condition; the surveying qualification applies."
        ),
        "department_commissioned": False,
        "note_en": (
            "Which speciality of the 2021 qualification standard covers demarcation (believed "
            "'boundary and real estate surveying') and the article of the 2016 Measures were not "
            "confirmed."
        ),
    },
    {
        "code": "PLANNING-VERIFY-SURVEY",
        "name_zh": "规划条件核实测量（竣工规划测量）",
        "name_en": "Survey for verification of planning conditions (as-built planning survey)",
        "category": "surveying",
        "legal_basis_zh": (
            "《中华人民共和国城乡规划法》（2019年修正）第四十五条（城乡规划主管部门对建设工程是否"
            "符合规划条件予以核实，未经核实或者核实不符合的，建设单位不得组织竣工验收）；"
            "《中华人民共和国测绘法》第二十七条；国办发〔2019〕11号（“多测合一”、联合验收）。"
        ),
        "legal_basis_en": (
            "Urban and Rural Planning Law (amended 2019) art. 45 (planning conditions are "
            "verified before completion acceptance); Surveying and Mapping Law art. 27; Guobanfa "
            "[2019] No. 11 (one survey for many uses, joint acceptance)."
        ),
        "approval_item_zh": "建设工程规划条件核实",
        "approval_item_en": "Verification of planning conditions",
        "approving_department_zh": "城乡规划（自然资源）主管部门",
        "approving_department_en": "Planning (natural resources) department",
        "time_limit_wd": 7,
        "workflow_zh": [
            "签订委托合同，收集规划许可证及附图",
            "外业测量建筑位置、高度、面积及配套设施",
            "计算规划指标并与许可内容比对",
            "出具规划核实测量报告",
        ],
        "workflow_en": [
            "Sign the contract; collect the planning permit and drawings",
            "Measure position, height, floor area and facilities on site",
            "Compute planning indicators and compare with the permit",
            "Issue the verification survey report",
        ],
        "conditions_zh": "建设单位提供：建设工程规划许可证及附件、放线测量成果、竣工图。",
        "conditions_en": (
            "The builder provides the planning permit with annexes, setting-out results and "
            "as-built drawings."
        ),
        "fee_standard": "market",
        "fee_note_zh": _PRICE_LIB_ZH,
        "fee_note_en": _PRICE_LIB_EN,
        "required_qualifications": [dict(_SURVEY_QUAL)],
        "abolished_zh": "",
        "abolished_en": "",
        "department_commissioned": False,
        "note_en": "",
    },
    # ------------------------------------------------------------------ fire
    {
        "code": "FIRE-TECH-SERVICE",
        "name_zh": "消防技术服务（消防设施检测、消防安全评估）",
        "name_en": "Fire technical service (fire system testing, fire safety assessment)",
        "category": "fire",
        "legal_basis_zh": (
            "《中华人民共和国消防法》（2021年4月29日修正）第三十四条（消防设施维护保养检测、"
            "消防安全评估等消防技术服务机构应当符合从业条件，执业人员应当依法获得相应的资格）；"
            "《社会消防技术服务管理规定》（应急管理部令第7号，2021年9月13日公布，"
            "2021年11月9日施行）第三条、第五条、第六条；《建设工程消防设计审查验收管理暂行规定》"
            "（住房和城乡建设部令第51号）第二十七条（竣工验收前消防设施性能、"
            "系统功能联调联试等检测合格）。"
        ),
        "legal_basis_en": (
            "Fire Protection Law (amended 2021-04-29) art. 34 (fire technical service firms must "
            "meet practice conditions, practitioners need the relevant qualification); Provisions "
            "on social fire technical services (MEM Order No. 7, 2021-09-13, in force 2021-11-09) "
            "arts. 3, 5, 6; MOHURD Order No. 51 art. 27 (fire systems tested before completion "
            "acceptance)."
        ),
        "approval_item_zh": "建设工程消防验收或验收备案；公众聚集场所投入使用、营业前消防安全检查",
        "approval_item_en": (
            "Fire acceptance or filing of works; pre-opening fire check of public venues"
        ),
        "approving_department_zh": "住房和城乡建设主管部门；消防救援机构",
        "approving_department_en": (
            "Housing and urban-rural development department; fire and rescue agency"
        ),
        "time_limit_wd": 10,
        "workflow_zh": [
            "签订委托合同，收集消防设计文件和竣工资料",
            "现场检测消防设施性能和系统联动功能，或开展消防安全评估",
            "出具检测或评估报告，注册消防工程师签字",
            "问题整改后复检",
        ],
        "workflow_en": [
            "Sign the contract; collect fire design and as-built documents",
            "Test fire systems and interlocks on site, or carry out the safety assessment",
            "Issue the test or assessment report signed by a registered fire engineer",
            "Re-test after defects are fixed",
        ],
        "conditions_zh": (
            "委托方提供：消防设计文件及审查意见、竣工图、消防产品合格证明和施工调试记录。"
        ),
        "conditions_en": (
            "The client provides fire design documents and review opinion, as-built drawings, "
            "product certificates and commissioning records."
        ),
        "fee_standard": "market",
        "fee_note_zh": "实行市场调节价，由委托双方协商确定。",
        "fee_note_en": "Market-regulated and agreed between the parties.",
        "required_qualifications": [
            _qual(
                "注册消防工程师（维保检测机构不少于2人，其中一级不少于1人）",
                "Registered fire engineer (a testing firm needs at least two, one of them class 1)",
                "person",
                "《消防法》第三十四条；《社会消防技术服务管理规定》（应急管理部令第7号）第三条、"
                "第五条、第六条",
                "Fire Protection Law art. 34; MEM Order No. 7 arts. 3, 5, 6",
            ),
            _qual(
                "消防设施操作员国家职业资格（维保检测机构不少于6人）",
                "Fire facility operator vocational qualification (at least six in a testing firm)",
                "person",
                "《社会消防技术服务管理规定》第五条",
                "MEM Order No. 7 art. 5",
            ),
        ],
        "abolished_zh": (
            "消防技术服务机构资质已随2021年4月29日《消防法》修正取消，改为“符合从业条件”；"
            "原公安部令第129号《社会消防技术服务管理规定》由应急管理部令第7号取代，"
            "实行从业条件加事中事后监管。"
        ),
        "abolished_en": (
            "The fire technical service firm qualification was abolished by the Fire Protection "
            "Law amendment of 2021-04-29 ('meet practice conditions' instead); former MPS Order "
            "No. 129 was replaced by MEM Order No. 7 with ex-post supervision."
        ),
        "department_commissioned": False,
        "note_en": (
            "The practice conditions of Order No. 7 (floor space, equipment, staff numbers) are "
            "not a licence and must not be turned into one; the platform checks the registered "
            "persons. MOHURD Order No. 51 was amended in 2023; art. 27 is the 2020 numbering."
        ),
    },
    # ------------------------------------------------------------------ real estate
    {
        "code": "REAL-ESTATE-APPRAISAL",
        "name_zh": "房地产估价",
        "name_en": "Real estate appraisal",
        "category": "real_estate",
        "legal_basis_zh": (
            "《中华人民共和国城市房地产管理法》（2019年修正）"
            "第三十四条（国家实行房地产价格评估制度）、第五十九条（国家实行房地产价格评估人员资格"
            "认证制度）；《中华人民共和国资产评估法》（2016年12月1日施行）"
            "关于评估机构登记后备案和法定评估业务由评估师签署的规定；《房地产估价机构管理办法》"
            "（建设部令第142号，2013年、2015年修正）；《注册房地产估价师管理办法》"
            "（建设部令第151号，2016年修正）；《国有土地上房屋征收与补偿条例》（国务院令第590号）"
            "第十九条、第二十条。"
        ),
        "legal_basis_en": (
            "Urban Real Estate Administration Law (amended 2019) art. 34 (real estate price "
            "appraisal system), art. 59 (certification of appraisers); Asset Appraisal Law (in "
            "force 2016-12-01) on record-filing of appraisal firms and signing by appraisers in "
            "statutory appraisals; Measures on real estate appraisal firms (MOC Order No. 142, "
            "amended 2013 and 2015); Measures on registered real estate appraisers (MOC Order No. "
            "151, amended 2016); Regulation on expropriation of buildings on state-owned land "
            "(State Council Order No. 590) arts. 19-20."
        ),
        "approval_item_zh": (
            "国有土地上房屋征收补偿决定；涉及房地产价格评估的出让、转让、抵押等事项"
        ),
        "approval_item_en": (
            "Expropriation compensation; transfers, mortgages needing a price appraisal"
        ),
        "approving_department_zh": "市、县级人民政府房屋征收部门；自然资源主管部门",
        "approving_department_en": (
            "City or county expropriation department; natural resources department"
        ),
        "time_limit_wd": 7,
        "workflow_zh": [
            "签订委托合同，明确估价目的和价值时点",
            "实地查勘估价对象并收集权属资料",
            "选用估价方法进行测算",
            "撰写估价报告，由注册房地产估价师签名并加盖机构印章后交付",
        ],
        "workflow_en": [
            "Sign the contract; fix the purpose and value date",
            "Inspect the property and collect title records",
            "Choose appraisal methods and calculate",
            "Write the report, signed by registered appraisers and sealed, and deliver",
        ],
        "conditions_zh": (
            "委托方提供：不动产权属证明、房屋和土地基本情况、估价目的说明；"
            "征收评估的还需征收决定和调查结果。"
        ),
        "conditions_en": (
            "The client provides title documents, basic data of building and land, the purpose; "
            "for expropriation also the expropriation decision and survey results."
        ),
        "fee_standard": "market",
        "fee_note_zh": "房地产价格评估收费已放开，实行市场调节价，由委托双方协商确定。",
        "fee_note_en": "Real estate appraisal fees are liberalised and agreed between the parties.",
        "required_qualifications": [
            _qual(
                "房地产估价机构备案",
                "Record-filing as a real estate appraisal firm",
                "firm",
                "《资产评估法》关于评估机构应自领取营业执照之日起三十日内向有关评估行政管理部门备"
                "案的规定；《房地产估价机构管理办法》",
                "Asset Appraisal Law: firms file with the competent appraisal authority within 30 "
                "days of registration; MOC Order No. 142",
            ),
            _qual(
                "注册房地产估价师",
                "Registered real estate appraiser",
                "person",
                "《城市房地产管理法》第五十九条；《注册房地产估价师管理办法》（建设部令第151号）",
                "Urban Real Estate Administration Law art. 59; MOC Order No. 151",
            ),
        ],
        "abolished_zh": (
            "房地产估价机构资质核准已按《资产评估法》改为备案管理，不得再以资质审批作为准入条件。"
        ),
        "abolished_en": (
            "Approval of appraisal-firm qualifications was replaced by record-filing under the "
            "Asset Appraisal Law; no licence may be required beyond the filing."
        ),
        "department_commissioned": False,
        "note_en": (
            "Article numbers of the Asset Appraisal Law (filing, signatures) and the MOHURD 2016 "
            "implementing notice were not confirmed; whether filed grades may restrict scope of "
            "business should be checked. Land price appraisal is a separate regime (land "
            "appraisers, filing with natural resources departments)."
        ),
    },
    # ------------------------------------------------------------------ transport
    {
        "code": "TRAFFIC-IMPACT",
        "name_zh": "建设项目交通影响评价",
        "name_en": "Traffic impact assessment of a construction project",
        "category": "transport",
        "legal_basis_zh": (
            "国家法律、行政法规未直接设定；依据《建设项目交通影响评价技术标准》（CJJ/T 141）"
            "及地方性法规、规章和地方中介服务事项清单（部分城市对大型公共建筑、"
            "居住区等设定评价要求）。"
        ),
        "legal_basis_en": (
            "Not set by any national law or administrative regulation; based on the technical "
            "standard CJJ/T 141 and on local regulations, rules and local intermediary-service "
            "lists (some cities require it for large public buildings and housing estates)."
        ),
        "approval_item_zh": "建设工程规划许可（设计方案审查中的交通影响评价审查，依地方规定）",
        "approval_item_en": (
            "Planning permit (traffic impact review in design review, per local rules)"
        ),
        "approving_department_zh": (
            "城乡规划（自然资源）主管部门；公安机关交通管理部门（依地方规定）"
        ),
        "approving_department_en": "Planning department; traffic police (per local rules)",
        "time_limit_wd": 25,
        "workflow_zh": [
            "签订委托合同，确定评价范围和年限",
            "交通调查和现状分析",
            "交通需求预测和影响分析",
            "提出交通改善和出入口组织方案，编制评价报告",
            "交付成果，配合审查修改",
        ],
        "workflow_en": [
            "Sign the contract; fix study area and horizon years",
            "Traffic counts and existing-condition analysis",
            "Demand forecast and impact analysis",
            "Propose improvements and access layout; draft the report",
            "Deliver and revise according to the review",
        ],
        "conditions_zh": "建设单位提供：规划条件、总平面方案、建设规模和功能、停车配建方案。",
        "conditions_en": (
            "The builder provides planning conditions, master plan, scale and uses, and parking "
            "provision."
        ),
        "fee_standard": "market",
        "fee_note_zh": _PRICE_LIB_ZH,
        "fee_note_en": _PRICE_LIB_EN,
        "required_qualifications": [],
        "abolished_zh": "",
        "abolished_en": "",
        "department_commissioned": False,
        "note_en": (
            "Only where a local rule requires it may it be an approval condition (Guobanfa [2015] "
            "No. 31: services without a legal basis must not be required); check the local list "
            "of intermediary services."
        ),
    },
    {
        "code": "ROAD-WORKS-SAFETY",
        "name_zh": "涉路工程安全技术评价",
        "name_en": "Technical safety evaluation of works affecting a highway",
        "category": "transport",
        "legal_basis_zh": (
            "《中华人民共和国公路法》（2017年修正）第四十五条（跨越、穿越公路修建桥梁、"
            "渡槽或者架设、埋设管线等设施，应当事先经有关交通主管部门同意）；《公路安全保护条例》"
            "（国务院令第593号）第二十七条、第二十八条（申请涉路施工应当提交保障公路、"
            "公路附属设施质量和安全的技术评价报告）。"
        ),
        "legal_basis_en": (
            "Highway Law (amended 2017) art. 45 (bridges, pipelines etc. crossing a highway need "
            "the transport department's consent); Regulation on Highway Safety Protection (State "
            "Council Order No. 593) arts. 27-28 (an application for works affecting a highway "
            "includes a technical evaluation report on the highway's quality and safety)."
        ),
        "approval_item_zh": "涉路施工许可",
        "approval_item_en": "Permit for works affecting a highway",
        "approving_department_zh": "公路管理机构（交通运输主管部门）",
        "approving_department_en": "Highway administration (transport department)",
        "time_limit_wd": 20,
        "workflow_zh": [
            "签订委托合同，收集公路技术资料和涉路工程设计",
            "现场调查公路及附属设施现状",
            "结构安全、通行安全和施工期影响分析",
            "提出保障措施，编制技术评价报告",
            "交付成果，配合许可审查修改",
        ],
        "workflow_en": [
            "Sign the contract; collect highway data and the design of the works",
            "Site survey of the highway and its facilities",
            "Analyse structural and traffic safety and construction-period effects",
            "Propose safeguards and draft the evaluation report",
            "Deliver and revise according to the permit review",
        ],
        "conditions_zh": (
            "申请人提供：涉路工程设计和施工方案、与公路的位置关系图、施工期交通组织方案。"
        ),
        "conditions_en": (
            "The applicant provides the design and construction method, a plan of the relation to "
            "the highway and the traffic management plan during works."
        ),
        "fee_standard": "market",
        "fee_note_zh": _PRICE_LIB_ZH,
        "fee_note_en": _PRICE_LIB_EN,
        "required_qualifications": [],
        "abolished_zh": "",
        "abolished_en": "",
        "department_commissioned": False,
        "note_en": (
            "No national qualification is required for the evaluation report; art. 28 of the "
            "Regulation as the list of application materials was recalled, not re-checked."
        ),
    },
    # ------------------------------------------------------------------ lightning
    {
        "code": "LIGHTNING-INSPECTION",
        "name_zh": "雷电防护装置检测",
        "name_en": "Inspection of lightning protection devices",
        "category": "lightning",
        "legal_basis_zh": (
            "《中华人民共和国气象法》（2016年修正）第三十一条；《气象灾害防御条例》"
            "（国务院令第570号，2017年修订）第二十三条、"
            "第二十四条（从事雷电防护装置检测的单位应当取得气象主管机构颁发的资质证）；"
            "《雷电防护装置检测资质管理办法》（中国气象局令第31号，2020年修改）；"
            "《国务院关于优化建设工程防雷许可的决定》（国发〔2016〕39号）。"
        ),
        "legal_basis_en": (
            "Meteorology Law (amended 2016) art. 31; Regulation on meteorological disaster "
            "prevention (State Council Order No. 570, revised 2017) arts. 23-24 (lightning "
            "protection testing units need a certificate from the meteorological authority); "
            "Measures on lightning protection testing qualifications (CMA Order No. 31, amended "
            "2020); State Council decision optimising lightning-protection permits (Guofa [2016] "
            "No. 39)."
        ),
        "approval_item_zh": (
            "易燃易爆等场所雷电防护装置竣工验收；房屋建筑和市政工程竣工验收备案中的防雷检测"
        ),
        "approval_item_en": (
            "Completion acceptance of lightning protection (hazardous sites; building works)"
        ),
        "approving_department_zh": (
            "气象主管机构（易燃易爆等特定场所）；住房和城乡建设主管部门（房屋建筑和市政工程）"
        ),
        "approving_department_en": (
            "Meteorological authority (hazardous sites); housing department (buildings)"
        ),
        "time_limit_wd": 5,
        "workflow_zh": [
            "签订委托合同，收集防雷设计和隐蔽工程资料",
            "现场检测接闪器、引下线、接地装置和电涌保护器",
            "数据处理和结果判定",
            "出具检测报告",
        ],
        "workflow_en": [
            "Sign the contract; collect lightning design and concealed-works records",
            "Test air terminals, down conductors, earthing and surge protectors on site",
            "Process data and judge compliance",
            "Issue the inspection report",
        ],
        "conditions_zh": "委托方提供：防雷装置设计文件、施工和隐蔽工程记录、场所危险等级资料。",
        "conditions_en": (
            "The client provides the lightning protection design, construction and "
            "concealed-works records and the hazard class of the premises."
        ),
        "fee_standard": "market",
        "fee_note_zh": (
            "实行市场调节价；个别地方仍公布指导价或参考价的，以当地价格主管部门公布为准。"
        ),
        "fee_note_en": (
            "Market-regulated; where a locality still publishes a guidance or reference price, "
            "the local price authority's list applies."
        ),
        "required_qualifications": [
            _qual(
                "雷电防护装置检测资质（甲级或乙级）",
                "Lightning protection device testing qualification (grade A or B)",
                "firm",
                "《气象灾害防御条例》第二十四条；《雷电防护装置检测资质管理办法》"
                "（中国气象局令第31号）第四条",
                "Regulation on meteorological disaster prevention art. 24; CMA Order No. 31 art. 4",
            ),
        ],
        "abolished_zh": (
            "防雷工程专业设计、施工单位资质已由《国务院关于优化建设工程防雷许可的决定》"
            "（国发〔2016〕39号）取消，防雷工程设计、施工由具有相应建设工程设计、"
            "施工资质的单位承担；防雷装置检测资质保留，检测市场向社会开放。"
        ),
        "abolished_en": (
            "Qualifications for lightning protection design and construction firms were abolished "
            "by Guofa [2016] No. 39 (ordinary design and construction qualifications suffice); "
            "the testing qualification remains and the testing market is open to all."
        ),
        "department_commissioned": False,
        "note_en": (
            "Art. 24 text follows the 2017 revision as recalled (design and construction "
            "removed); whether CMA Order No. 31 was amended again after 2020 was not confirmed. "
            "Grade A covers lightning-protection classes 1-3, grade B class 3 only."
        ),
    },
    # ------------------------------------------------------------------ land
    {
        "code": "LAND-RECLAMATION",
        "name_zh": "土地复垦方案编制",
        "name_en": "Preparation of a land reclamation plan",
        "category": "land",
        "legal_basis_zh": (
            "《土地复垦条例》（国务院令第592号，2011年3月5日施行）"
            "第十一条（土地复垦义务人应当编制土地复垦方案）、第十二条（方案内容）、"
            "第十三条（办理建设用地申请或者采矿权申请手续时随有关报批材料报送）；"
            "《土地复垦条例实施办法》（国土资源部令第56号，2019年自然资源部令第5号修正）。"
        ),
        "legal_basis_en": (
            "Land Reclamation Regulation (State Council Order No. 592, in force 2011-03-05) art. "
            "11 (the reclamation obligor prepares a plan), art. 12 (content), art. 13 (submitted "
            "with the construction land or mining right application); Implementing Measures (MLR "
            "Order No. 56, amended by MNR Order No. 5 of 2019)."
        ),
        "approval_item_zh": "建设用地审批、采矿权审批中的土地复垦方案审查",
        "approval_item_en": "Review of the reclamation plan in land or mining right approval",
        "approving_department_zh": "自然资源主管部门",
        "approving_department_en": "Natural resources department",
        "time_limit_wd": 20,
        "workflow_zh": [
            "签订委托合同，收集项目和用地现状资料",
            "现场调查损毁土地类型和程度",
            "复垦适宜性评价，确定复垦目标和工程措施",
            "投资估算和费用安排，编制方案报告并组织论证",
            "交付成果",
        ],
        "workflow_en": [
            "Sign the contract; collect project and land-use data",
            "Field survey of the types and degree of land damage",
            "Suitability assessment; reclamation targets and works",
            "Cost estimate and funding plan; draft and review the plan",
            "Deliver the plan",
        ],
        "conditions_zh": (
            "建设单位或采矿权申请人提供：项目用地范围和地类、工程布置、开采方案或施工方案。"
        ),
        "conditions_en": (
            "The builder or mining applicant provides land boundary and classes, layout, and the "
            "mining or construction method."
        ),
        "fee_standard": "market",
        "fee_note_zh": _PRICE_LIB_ZH,
        "fee_note_en": _PRICE_LIB_EN,
        "required_qualifications": [],
        "abolished_zh": "",
        "abolished_en": "",
        "department_commissioned": False,
        "note_en": (
            "For mines the plan is merged with the geological environment protection plan (MLR, "
            "2016); some localities no longer review plans separately in land approval. Check "
            "local practice."
        ),
    },
    # ------------------------------------------------------------------ planning
    {
        "code": "FEASIBILITY-STUDY",
        "name_zh": "项目可行性研究报告（项目申请报告）编制",
        "name_en": "Preparation of a feasibility study or project application report",
        "category": "planning",
        "legal_basis_zh": (
            "《政府投资条例》（国务院令第712号，2019年7月1日施行）"
            "第九条（政府投资项目单位应当编制项目建议书、可行性研究报告、初步设计）；"
            "《企业投资项目核准和备案管理条例》（国务院令第673号）关于项目申请书的规定；"
            "《工程咨询行业管理办法》（国家发展改革委令2017年第9号）。"
        ),
        "legal_basis_en": (
            "Regulation on Government Investment (State Council Order No. 712, in force "
            "2019-07-01) art. 9 (proposal, feasibility study and preliminary design); Regulation "
            "on approval and filing of enterprise investment projects (State Council Order No. "
            "673) on the application report; Measures on the engineering consulting industry "
            "(NDRC Order 2017 No. 9)."
        ),
        "approval_item_zh": "政府投资项目可行性研究报告审批；企业投资项目核准",
        "approval_item_en": (
            "Approval of a government project's feasibility study; verification of enterprise "
            "projects"
        ),
        "approving_department_zh": "投资主管部门（发展改革部门）及其他有关部门",
        "approving_department_en": (
            "Investment authority (development and reform department) and others"
        ),
        "time_limit_wd": 30,
        "workflow_zh": [
            "签订委托合同，收集项目建设条件和规划资料",
            "市场与需求分析、建设方案比选",
            "投资估算、资金筹措和经济财务分析",
            "编制可行性研究报告（含节能、社会稳定风险分析等篇章）",
            "交付成果，配合咨询评估修改",
        ],
        "workflow_en": [
            "Sign the contract; collect site conditions and planning data",
            "Demand analysis and comparison of schemes",
            "Investment estimate, financing and economic and financial analysis",
            "Draft the study (with energy, social-risk and other chapters)",
            "Deliver and revise according to the appraisal",
        ],
        "conditions_zh": (
            "项目单位提供：项目建议书或前期研究成果、规划选址和用地资料、建设规模和资金来源设想。"
        ),
        "conditions_en": (
            "The project unit provides the proposal or earlier studies, site and land data, "
            "intended scale and sources of funds."
        ),
        "fee_standard": "market",
        "fee_note_zh": "前期工作咨询费已由发改价格〔2015〕299号全面放开，实行市场调节价。",
        "fee_note_en": (
            "Pre-project consulting fees were fully liberalised by Fagai Jiage [2015] No. 299."
        ),
        "required_qualifications": [],
        "abolished_zh": (
            "工程咨询单位资格认定已由《国务院关于取消一批行政许可事项的决定》（国发〔2017〕46号，"
            "2017年9月22日）取消，改为通过全国投资项目在线审批监管平台告知性备案；"
            "资信评价属行业自律，不是准入许可。"
        ),
        "abolished_en": (
            "The engineering consulting firm qualification was abolished by Guofa [2017] No. 46 "
            "(2017-09-22), replaced by notification filing on the national online investment "
            "platform; credit ratings by the industry association are not entry licences."
        ),
        "department_commissioned": False,
        "note_en": "",
    },
    {
        "code": "FSR-APPRAISAL",
        "name_zh": "可行性研究报告（项目申请报告）咨询评估",
        "name_en": "Appraisal of a feasibility study or application report (for the approver)",
        "category": "planning",
        "legal_basis_zh": (
            "《政府投资条例》（国务院令第712号）第十一条（对重大政府投资项目在中介服务机构评估、"
            "公众参与、专家评议、风险评估的基础上作出是否批准的决定）；"
            "《国家发展改革委投资咨询评估管理办法》（发改投资规〔2022〕632号，"
            "咨询评估费用由委托方支付）；企业投资项目核准中委托评估费用由"
            "核准机关承担的规定；" + _GBF_2015_31_ZH + "。"
        ),
        "legal_basis_en": (
            "Regulation on Government Investment art. 11 (major government projects are decided "
            "on the basis of appraisal by intermediaries, public participation, expert review and "
            "risk assessment); NDRC Measures on investment consulting appraisal (Fagai Touzi Gui "
            "[2022] No. 632: the commissioning authority pays); rules that the verifying "
            "authority pays "
            "for appraisals of enterprise projects; " + _GBF_2015_31_EN + "."
        ),
        "approval_item_zh": "政府投资项目可行性研究报告审批；企业投资项目核准（委托评估）",
        "approval_item_en": (
            "Feasibility study approval or project verification (commissioned appraisal)"
        ),
        "approving_department_zh": "投资主管部门或其他有关部门（委托方、付费方）",
        "approving_department_en": (
            "Investment authority or other competent department (client and payer)"
        ),
        "time_limit_wd": 20,
        "workflow_zh": [
            "审批部门在平台以竞争方式选取评估机构并出具委托书，明确评估重点",
            "评估机构审阅报告，组织现场踏勘和专家评估会",
            "与项目单位沟通，要求补充说明",
            "出具咨询评估报告",
            "审批部门验收并从部门预算支付费用",
        ],
        "workflow_en": [
            "The approver selects an appraiser competitively and instructs it with the key issues",
            "Read the study; site visit and expert appraisal meeting",
            "Ask the project unit for clarifications",
            "Issue the appraisal report",
            "The approver accepts and pays from its budget",
        ],
        "conditions_zh": (
            "委托方提供已受理的可行性研究报告或项目申请报告；编制该报告的机构不得承担其评估。"
        ),
        "conditions_en": (
            "The client provides the accepted study or application report; the firm that prepared "
            "it may not appraise it."
        ),
        "fee_standard": "market",
        "fee_note_zh": (
            "评估费用由委托的审批部门从部门预算支付，评估机构不得向项目单位收取任何费用；"
            "价格通过平台竞争确定。"
        ),
        "fee_note_en": (
            "Paid by the commissioning authority from its budget; the appraiser may charge the "
            "project unit nothing. Price set by competition on the platform."
        ),
        "required_qualifications": [],
        "abolished_zh": "",
        "abolished_en": "",
        "department_commissioned": True,
        "note_en": (
            "For appraisals commissioned by the NDRC itself, Measures No. 632 require filing on "
            "the national platform and a grade-A credit rating; those are the NDRC's own "
            "procurement conditions, not a legal qualification of the service, so none is listed."
        ),
    },
    # ------------------------------------------------------------------ social
    {
        "code": "SOCIAL-RISK-ANALYSIS",
        "name_zh": "社会稳定风险分析（可研独立篇章）编制",
        "name_en": "Social stability risk analysis (chapter of the feasibility study)",
        "category": "social",
        "legal_basis_zh": (
            "《国家发展改革委重大固定资产投资项目社会稳定风险评估暂行办法》"
            "（发改投资〔2012〕2492号）第三条（项目单位应当对社会稳定风险进行调查分析，"
            "社会稳定风险分析作为可行性研究报告、项目申请报告的独立篇章）；"
            "各地重大决策社会稳定风险评估规定。"
        ),
        "legal_basis_en": (
            "NDRC Interim Measures on social stability risk assessment of major fixed-asset "
            "investment projects (Fagai Touzi [2012] No. 2492) art. 3 (the project unit analyses "
            "social stability risks as a separate chapter of the feasibility study or application "
            "report); local rules on social stability risk assessment of major decisions."
        ),
        "approval_item_zh": "重大固定资产投资项目审批、核准",
        "approval_item_en": "Approval or verification of a major fixed-asset investment project",
        "approving_department_zh": "投资主管部门（发展改革部门）",
        "approving_department_en": "Investment authority (development and reform department)",
        "time_limit_wd": 15,
        "workflow_zh": [
            "签订委托合同，收集项目和征地拆迁资料",
            "入户调查、问卷和座谈，征询相关群众意见",
            "识别风险因素，分析发生可能性和影响程度",
            "提出防范化解措施和风险等级建议，编制分析篇章",
        ],
        "workflow_en": [
            "Sign the contract; collect project, land-taking and resettlement data",
            "Household visits, questionnaires and meetings with affected people",
            "Identify risks, their likelihood and impact",
            "Propose mitigation and a suggested risk level; draft the chapter",
        ],
        "conditions_zh": "项目单位提供：项目建设方案、征地拆迁和移民安置方案、环境影响等资料。",
        "conditions_en": (
            "The project unit provides the construction scheme, land-taking and resettlement plan "
            "and environmental information."
        ),
        "fee_standard": "market",
        "fee_note_zh": _PRICE_LIB_ZH,
        "fee_note_en": _PRICE_LIB_EN,
        "required_qualifications": [],
        "abolished_zh": "",
        "abolished_en": "",
        "department_commissioned": False,
        "note_en": "",
    },
    {
        "code": "SOCIAL-RISK-ASSESS",
        "name_zh": "社会稳定风险评估（评估主体委托）",
        "name_en": "Social stability risk assessment (for the designated assessment body)",
        "category": "social",
        "legal_basis_zh": (
            "《国家发展改革委重大固定资产投资项目社会稳定风险评估暂行办法》"
            "（发改投资〔2012〕2492号）第五条（由项目所在地人民政府或其有关部门指定的评估主体组织"
            "对项目单位做出的社会稳定风险分析"
            "开展评估论证，提出社会稳定风险评估报告）、第六条；" + _GBF_2015_31_ZH + "。"
        ),
        "legal_basis_en": (
            "NDRC Measures Fagai Touzi [2012] No. 2492 art. 5 (an assessment body designated by "
            "the local government or its departments assesses the project unit's risk analysis "
            "and "
            "issues the assessment report), art. 6; " + _GBF_2015_31_EN + "."
        ),
        "approval_item_zh": "重大固定资产投资项目审批、核准（社会稳定风险评估报告作为依据）",
        "approval_item_en": (
            "Approval or verification of a major project (risk assessment report as basis)"
        ),
        "approving_department_zh": "项目所在地人民政府或其有关部门指定的评估主体（委托方、付费方）",
        "approving_department_en": (
            "Assessment body designated by the local government (client and payer)"
        ),
        "time_limit_wd": 20,
        "workflow_zh": [
            "评估主体在平台以竞争方式选取评估机构并签订委托合同",
            "审阅项目单位的社会稳定风险分析",
            "公示、问卷、走访、座谈或听证，听取各方意见",
            "确定风险等级，出具社会稳定风险评估报告",
            "评估主体验收并从预算支付费用",
        ],
        "workflow_en": [
            "The assessment body selects an assessor competitively and contracts",
            "Review the project unit's risk analysis",
            "Public notice, surveys, visits, meetings or hearings",
            "Determine the risk level and issue the assessment report",
            "The body accepts and pays from its budget",
        ],
        "conditions_zh": (
            "委托方提供项目单位的社会稳定风险分析篇章和项目资料；"
            "评估机构不得是该分析篇章的编制单位。"
        ),
        "conditions_en": (
            "The client provides the project unit's risk analysis chapter and project documents; "
            "the assessor may not be the firm that wrote that chapter."
        ),
        "fee_standard": "market",
        "fee_note_zh": "由评估主体从预算支付，不得转嫁项目单位；价格通过平台竞争确定。",
        "fee_note_en": (
            "Paid by the assessment body from its budget, never shifted to the project unit; "
            "price set by competition on the platform."
        ),
        "required_qualifications": [],
        "abolished_zh": "",
        "abolished_en": "",
        "department_commissioned": True,
        "note_en": (
            "Measures No. 2492 do not say who pays; that the government pays follows from the "
            "assessment being the government's own (Guobanfa [2015] No. 31), but some localities "
            "still let project units pay - check the local rule."
        ),
    },
]
