"""Demo training centre for Weihai: the supplier onboarding course and the four purchaser
courses the notice asks for (威财采〔2020〕14号 任务六、任务七), each with five quiz
questions, their requirements, two scheduled sessions, and a few purchaser units that have
already passed some courses (so the statistics page has figures). Idempotent: courses by
code, requirements by (role, course), sessions by title, passes by (user, course)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from govmall.accounts.models import Role, User
from govmall.subsites.models import Subsite
from govmall.training import services
from govmall.training.models import Certificate, Course, CourseRequirement, TrainingSession

NOTICE = "《威海市财政局关于印发山东省政府采购网上商城威海分站建设推进方案的通知》（威财采〔2020〕14号）"

COURSES = [
    {
        "code": "supplier-onboarding",
        "title": "供应商入驻培训",
        "audience": Role.SUPPLIER_STAFF,
        "description": "依法依规、有序竞争、诚信交易与系统操作：入驻威海分站的供应商须通过本课程后方可激活。",
        "body": f"""## 为什么要培训
{NOTICE}任务六要求市政府采购中心建立常态化的供应商入驻工作机制，并围绕依法依规、有序竞争、诚信交易、系统操作等方面开展入驻供应商培训，确保供应商熟悉商城分站业务。本课程是入驻的最后一步：通过测验后，供应商账户方可激活、上架商品和参加竞价。

## 依法依规
- 网上商城依法保障各类市场主体平等参与，不设本地注册、注册资本、从业人数等门槛（方案 任务一）。
- 上架商品必须是正品、全新、在公开市场正常销售的产品，不得上架“政府专供”“特供”型号，不得重复上架、捆绑销售或收取未公示的费用。
- 资质证书（营业执照及品目所需的许可、认证）须真实有效；证书到期前 30 天系统提醒，到期后依赖该证书的商品自动下架，续期审核通过后恢复。
- 中小企业声明函须按《政府采购促进中小企业发展管理办法》（财库〔2020〕46号）如实填写，企业划型依据工信部联企业〔2011〕300号标准；虚假声明按政府采购法第七十七条处理，列入不良行为记录，一至三年内禁止参加政府采购活动。

## 有序竞争
- 商品价格不得高于厂商官网价格及主要电商平台自营店的最低价；系统按参考价格监测，超出参考价的商品不在商城展示。
- 竞价（反向竞价）中只有在该品目范围内正常经营的供应商可以报价；有效报价不少于 3 家，最低评审价成交；小微企业报价按规定享受 10%–20% 的价格扣除。
- 不得串通报价、恶意低价，也不得以任何方式排挤其他供应商。

## 诚信交易
- 订单应在规定时间内确认，按约定的数量、质量、期限交货，配合采购人验收。
- 合同签订后 2 个工作日内由系统公开合同公告；变更、终止同样须公开。
- 违规行为由采购中心和财政部门记录，视情节给予警告、暂停交易、清退等处理，处理措施即时影响商品展示和竞价资格，到期自动解除；供应商可以查看并申诉。

## 系统操作
- 在“供应商后台”维护企业信息、资质、经营品目；关键信息变更须重新审核。
- 商品可逐个录入，也可用 Excel 模板批量导入；文件中有错误行时整批不导入，并逐行逐列提示错误。
- 在工作台处理待确认订单、竞价邀请、合同签署与交货通知；站内消息提示待办事项。
""",
        "quiz": """威海分站对供应商入驻设置的条件是：
要求在威海市注册
要求注册资本不低于 500 万元
*不设地域、注册资本和从业人数门槛，各类市场主体平等参与
要求从业人数不少于 50 人

以下哪种商品不得在网上商城上架？
*仅供政府采购的“专供”型号
在公开市场正常销售的全新正品
已取得节能产品认证的产品
带有完整保修承诺的产品

供应商的资质证书到期后，依赖该证书的商品会怎样？
仍可正常销售
*自动下架，续期证书审核通过后恢复
由供应商自行决定是否下架
改为仅在竞价中使用

网上竞价中，成交的条件是：
报价最高者成交
第一个报价者成交
*有效报价不少于 3 家，最低评审价成交
采购人任意指定

以下哪些行为属于诚信交易的要求？（多选）
*按约定的数量、质量和期限交货
*如实填写中小企业声明函
在报价前与其他供应商商定价格
*在规定时间内确认订单
""",
    },
    {
        "code": "purchaser-duty",
        "title": "采购人主体责任",
        "audience": Role.PURCHASER_CLERK,
        "description": "采购人在网上商城采购中的主体责任：需求、计划、限额、合同、验收与付款。",
        "body": f"""## 采购人是第一责任人
{NOTICE}任务七要求各区市财政局为采购人系统讲解采购人的主体责任。采购人对本单位政府采购活动的合法合规负责：采购需求合理、有计划有预算、按规定的方式采购、按期签约履约、按时验收付款、依法公开信息。

## 有计划才能采购
- 每一笔商城采购都须关联已批复的采购计划（采购建议书），不得超出计划金额。
- 进行中的采购会预留计划和年度额度，成交签约后计为已使用；取消后释放。

## 遵守限额标准
- 单笔金额达到公开招标数额标准（威海默认 200 万元）的项目不得在商城采购。
- 直购上限：市级 50 万元，区市和乡镇 30 万元；超过直购上限、低于公开招标数额标准的采购通过网上竞价。
- 同一预算年度内同一二级品目的商城采购总额有年度上限（默认 200 万元），不得化整为零规避公开招标（《政府采购法实施条例》第二十八条）。

## 签约、验收与付款
- 合同应在成交后 30 日内签订（《政府采购法》第四十六条），签订后 2 个工作日内公开（《实施条例》第五十条）。
- 验收时逐项核对技术、服务、安全标准，出具验收书。
- 向中小企业支付货款，自货物、服务交付（或验收合格）之日起 30 日内支付，合同另有约定的最长不超过 60 日；逾期按约定利率或每日万分之五支付利息（《保障中小企业款项支付条例》）。
- 采购文件、合同、验收资料保存不少于 15 年（《政府采购法》第四十二条）。
""",
        "quiz": """采购人在网上商城采购中的角色是：
仅为付款方，其他由供应商负责
*对本单位采购活动合法合规负主体责任
由采购中心代为承担全部责任
只负责验收，不负责计划

在网上商城下单前必须具备什么？
*已批复且余额充足的采购计划
供应商的推荐函
上级单位的口头同意
无需任何前置条件

威海默认的公开招标数额标准是多少？单笔达到该金额的项目能否在商城采购？
100 万元，可以在商城采购
*200 万元，不能在商城采购
500 万元，可以在商城采购
50 万元，不能在商城采购

政府采购合同应在签订后多长时间内公开？
7 个工作日
30 日
*2 个工作日
不需要公开

向中小企业支付货款，合同约定的付款期限最长不得超过：
30 日
90 日
*60 日
没有限制
""",
    },
    {
        "code": "purchaser-guide",
        "title": "商城分站操作指南",
        "audience": Role.PURCHASER_CLERK,
        "description": "从工作台、搜索选购、直购下单、网上竞价到签约验收的操作要点。",
        "body": """## 工作台
登录后首先看到工作台：待审批订单、待签约合同、待验收、可用计划与额度等待办事项都有数量提示，点击即可进入对应列表。

## 搜索与选购
- 在首页搜索框输入商品名称、品牌或型号，支持拼音和简拼（如 taishiji、tsj）。
- 可按品目、品牌、价格、节能环保、中小企业等条件筛选，最多 4 件商品加入对比。
- 强制节能产品（如计算机、打印机、空调等）只能选购具有有效节能认证的商品。

## 直购下单
- 选择商品和数量，关联采购计划；系统按限额标准实时测算，超出计划余额、年度额度或直购上限的订单无法提交，并提示原因和具体金额。
- 订单经本单位审批人审批后发送供应商确认。

## 网上竞价
- 超过直购上限的采购发起竞价：填写需求、数量、最高限价和交货要求，报价期默认 2 个工作日。
- 有效报价不少于 3 家方可成交；小微企业的报价按规定扣除后评审。
- 成交供应商在 72 小时内确认，否则依次由下一名成交。

## 签约、验收和付款
- 订单确认或竞价成交后系统生成合同，双方在线签署；签署后自动公开合同公告。
- 到货后在线验收，逐项填写验收结果，生成验收书；按合同约定期限付款并登记付款信息。
""",
        "quiz": """在搜索框中查找“台式机”，以下哪种输入方式系统支持？
只能输入完整的商品编号
*可以输入汉字、全拼 taishiji 或简拼 tsj
只能输入品牌英文名
必须先选品目才能搜索

直购订单提交时，系统会做什么检查？
不做任何检查
只检查供应商是否在线
*按限额标准检查计划余额、年度额度和直购上限
只检查商品库存

网上竞价的报价期默认是多长时间？
24 小时
*2 个工作日
7 天
没有限制

竞价成交供应商未在规定时间内确认，会怎样？
竞价直接作废，不能补救
采购人必须重新发起竞价
*依次由下一名供应商成交
延长确认时间一个月

签署合同后，以下哪些由系统完成？（多选）
*自动生成合同公告并公开
*记录签署时间并计算公开期限
替采购人完成验收
替采购人支付货款
""",
    },
    {
        "code": "purchaser-disclosure",
        "title": "政府采购信息公开",
        "audience": Role.PURCHASER_CLERK,
        "description": "信息公开平台基础业务：合同公告、变更公告、竞价结果与采购意向的公开要求。",
        "body": f"""## 为什么要公开
{NOTICE}任务七要求讲解政府采购信息公开平台基础业务。政府采购信息公开是接受社会监督的基础，网上商城的交易信息通过系统与全省政府采购信息公开平台对接，做到公开透明。

## 必须公开的信息
- 合同公告：合同签订之日起 2 个工作日内公开（《政府采购法实施条例》第五十条）。
- 合同变更、中止、终止公告：自变更之日起 2 个工作日内公开（财办库〔2023〕243号）。
- 竞价结果公告：公开成交供应商、成交价格；小微企业享受价格扣除的，公告中列明扣除后的评审价格。
- 竞价失败公告：有效报价不足 3 家等原因导致竞价失败的，公开失败原因。

## 采购意向
网上商城、框架协议等小额零星采购不需要公开采购意向（财库〔2020〕10号）；系统记录订单类型，以说明适用豁免。

## 采购人信息要准确
采购人信息（单位名称、预算单位编码、统一社会信用代码）以全省信息公开平台为准。机构改革中发生拆分、合并、更名的，要及时在平台更新，确保采购计划和交易归属正确（方案 任务五）。
""",
        "quiz": """政府采购合同应当在签订后多长时间内公开？
*2 个工作日内
5 个工作日内
15 日内
年底统一公开

合同变更的公告期限是：
不需要公告
*自变更之日起 2 个工作日内
30 日内
由采购人自行决定

竞价结果公告中，对享受价格扣除的小微企业应公开什么？
只公开企业名称
*扣除后的评审价格
企业的银行账号
企业的员工人数

网上商城的小额零星采购是否需要公开采购意向？
*不需要，属于财库〔2020〕10号规定的豁免情形
需要，且须提前 30 日公开
需要，且须提前 90 日公开
由供应商决定

机构改革后单位拆分、合并、更名，采购人应当：
继续使用原单位信息
*及时在全省信息公开平台更新采购人信息
注销全部采购计划
不需要处理
""",
    },
    {
        "code": "purchaser-law",
        "title": "政府采购法律法规",
        "audience": Role.PURCHASER_CLERK,
        "description": "政府采购法及实施条例、质疑投诉、促进中小企业发展、节能环保产品采购的要点。",
        "body": """## 基本法律
- 《中华人民共和国政府采购法》和《政府采购法实施条例》是政府采购活动的基本依据；网上商城采购同样适用。
- 采购活动遵循公开透明、公平竞争、公正和诚实信用原则。

## 禁止化整为零
同一预算年度内，对同一品目的采购项目，累计资金数额达到公开招标数额标准却化整为零或以其他方式规避公开招标的，属于违法行为（《实施条例》第二十八条）。商城按二级品目设置年度采购额度并对疑似拆分的采购进行提示。

## 质疑与投诉
- 供应商认为采购文件、采购过程或结果使其权益受到损害的，可在知道或应当知道之日起 7 个工作日内提出质疑；采购人应在收到质疑后 7 个工作日内答复。
- 对答复不满意的，可在答复期满后 15 个工作日内向财政部门投诉，财政部门在 30 个工作日内作出处理决定。

## 政策功能
- 促进中小企业发展：200 万元以下的货物和服务采购项目原则上专门面向中小企业；对小微企业报价给予 10%–20% 的价格扣除（财库〔2020〕46号、财库〔2022〕19号）。
- 节能环保：强制采购目录内的节能产品（如计算机、打印机、显示器、空调等）必须采购具有有效认证的产品（财库〔2019〕9号）。

## 法律责任
提供虚假材料谋取成交的供应商，列入不良行为记录名单，一至三年内禁止参加政府采购活动（《政府采购法》第七十七条）。
""",
        "quiz": """同一预算年度内把同一品目的采购拆成多笔，以规避公开招标，属于：
允许的灵活做法
*违法的化整为零行为
只需事后报备即可
由采购人自行决定

供应商提出质疑的期限是：
知道之日起 3 日内
*知道或应当知道之日起 7 个工作日内
合同签订后 1 年内
没有期限

财政部门处理投诉的期限是：
7 个工作日
15 日
*30 个工作日
6 个月

对小微企业报价给予的价格扣除比例是：
1%–5%
*10%–20%
30%–50%
不给予扣除

以下哪些属于政府采购的政策功能？（多选）
*促进中小企业发展
*采购节能环保产品
优先采购本地企业产品
只采购进口产品
""",
    },
]

REQUIREMENTS = [
    (Role.SUPPLIER_STAFF, "supplier-onboarding"),
    (Role.PURCHASER_CLERK, "purchaser-duty"),
    (Role.PURCHASER_CLERK, "purchaser-guide"),
    (Role.PURCHASER_CLERK, "purchaser-disclosure"),
    (Role.PURCHASER_CLERK, "purchaser-law"),
    (Role.PURCHASER_APPROVER, "purchaser-duty"),
]

# (title, course code, mode, place or link, days ahead, start hour, hours, capacity)
SESSIONS = [
    ("2026 年网上商城入驻供应商集中培训（第一期）", "supplier-onboarding", "onsite", "威海市政府采购中心 三楼培训室（环翠区新威路 1 号）", 7, 9, 3, 60),
    ("采购人主体责任与商城操作线上讲座", "purchaser-guide", "online", "https://meeting.example.gov.cn/weihai-mall-2026", 10, 14, 2, 300),
]

# Demo users who have already passed some courses: (username, [course codes]).
PASSES = [("approver", ["purchaser-duty"]), ("purchaser_town", ["purchaser-duty", "purchaser-guide", "purchaser-disclosure", "purchaser-law"])]


def ensure_course(subsite, spec: dict) -> Course:
    """The course of `spec`, created with its quiz and activated when it does not exist yet."""
    course = Course.objects.filter(code=spec["code"]).first()
    if course is not None:
        return course
    course = services.course_create(
        subsite=subsite, code=spec["code"], title=spec["title"], audience=spec["audience"], description=spec["description"],
        body=spec["body"], pass_mark=80, is_active=False,
    )  # fmt: skip
    services.quiz_replace(course=course, questions=spec["quiz"])
    return services.course_update(
        course=course, title=course.title, audience=course.audience, description=course.description, body=course.body,
        pass_mark=course.pass_mark, is_active=True,
    )  # fmt: skip


def correct_answers(course: Course) -> dict[str, list[int]]:
    return {str(q.pk): [o.pk for o in q.options.all() if o.is_correct] for q in course.questions.prefetch_related("options")}


def load(say) -> None:
    subsite = Subsite.objects.get(code="weihai")
    made = 0
    for spec in COURSES:
        if not Course.objects.filter(code=spec["code"]).exists():
            ensure_course(subsite, spec)
            made += 1
    for role, code in REQUIREMENTS:
        course = Course.objects.get(code=code)
        if not CourseRequirement.objects.filter(role=role, course=course).exists():
            services.requirement_add(role=role, course=course)
    operator = User.objects.filter(username="operator").first()
    base = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    for title, code, mode, where, days, hour, hours, capacity in SESSIONS:
        if TrainingSession.objects.filter(title=title).exists():
            continue
        start = (base + dt.timedelta(days=days)).replace(hour=hour)
        services.session_create(
            subsite=subsite, course=Course.objects.get(code=code), title=title, mode=mode, capacity=capacity,
            place=where if mode == "onsite" else "", link=where if mode == "online" else "",
            starts_at=start, ends_at=start + dt.timedelta(hours=hours), created_by=operator,
        )  # fmt: skip
    for username, codes in PASSES:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        for code in codes:
            course = Course.objects.get(code=code)
            if not Certificate.objects.filter(user=user, course=course).exists():
                services.attempt_submit(user=user, course=course, answers=correct_answers(course))
    say(f"training: {made} courses added ({Course.objects.count()} in all), {CourseRequirement.objects.count()} requirements, {TrainingSession.objects.count()} sessions")


load_demo = load
