"""Demo data: Weihai's mall catalog (威海市政府采购网上商城品目目录), version 1, published.

The items a city mall commonly carries, mapped to the real codes of the 2022 national catalog
(data/procurement_catalog_2022.csv). Local codes are `WH-` + the provincial short code.
Aliases are what purchasers type; the product search uses them as synonyms.
Idempotent: nothing is done once Weihai has any mall catalog version."""

from __future__ import annotations

from govmall.catalog.models import MallCatalogVersion
from govmall.catalog.selectors import category_by_code
from govmall.catalog.services import ItemData, mall_catalog_create_draft, mall_catalog_publish, mall_item_add
from govmall.subsites.models import Subsite

# (2022 code, local name or None for the national name, aliases, remark)
ITEMS = [
    # 信息化设备 A0201
    ("A02010104", None, "服务器主机、机架式服务器、塔式服务器", ""),
    ("A02010105", None, "台式机、台式电脑、电脑主机、一体机", "含一体式计算机；2013 版编码 A02010104"),
    ("A02010106", None, "", ""),
    ("A02010107", None, "", ""),
    ("A02010108", None, "笔记本、笔记本电脑、手提电脑", "2013 版编码 A02010105"),
    ("A02010109", "平板式微型计算机", "平板电脑、平板", ""),
    ("A02010201", None, "无线路由器、企业路由器", ""),
    ("A02010202", "交换机", "网络交换机、POE交换机", ""),
    ("A02010301", None, "硬件防火墙", ""),
    ("A02010306", None, "网络隔离卡", ""),
    ("A02010313", None, "VPN网关", ""),
    ("A02010502", None, "磁盘阵列柜", ""),
    ("A02010507", "网络存储设备（NAS）", "NAS、网络硬盘", ""),
    ("A02010508", None, "移动硬盘、U盘、优盘", ""),
    ("A02010601", None, "服务器机柜、网络机柜", ""),
    # 办公设备 A0202
    ("A02020100", None, "复印一体机、数码复印机", ""),
    ("A02020200", None, "投影机", ""),
    ("A02020300", None, "幕布、投影布", ""),
    ("A02020400", None, "打印复印一体机、多功能打印机", ""),
    ("A02020501", None, "数码相机、单反相机、微单", ""),
    ("A02020506", None, "相机镜头", ""),
    ("A02020600", None, "执法仪", ""),
    ("A02020700", None, "交互式白板", ""),
    ("A02020800", None, "会议平板、触摸一体机", ""),
    ("A02021001", None, "A3打印机", ""),
    ("A02021002", None, "A3彩打", ""),
    ("A02021003", None, "A4激光打印机、黑白激光打印机", ""),
    ("A02021004", None, "彩色打印机、彩打", ""),
    ("A02021006", None, "发票打印机、针式打印机", ""),
    ("A02021007", None, "标签打印机", ""),
    ("A02021104", None, "显示器、电脑显示屏、液晶屏", ""),
    ("A02021103", None, "LED屏、电子大屏", ""),
    ("A02021107", None, "KVM切换器", ""),
    ("A02021109", None, "", ""),
    ("A02021110", "鼠标", "", ""),
    ("A02021118", None, "扫描机", ""),
    ("A02021120", None, "文件拍摄仪", ""),
    ("A02021201", None, "一体化速印机", ""),
    ("A02021203", None, "凭证装订机、胶装机", ""),
    ("A02021301", None, "粉碎机", ""),
    ("A02021401", None, "财务计算器", ""),
    # 车辆 A0203 (parts only; vehicles are bought by tender)
    ("A02031100", None, "轮胎、车辆配件", ""),
    # 电气设备 A0206
    ("A02061504", None, "UPS、UPS电源", ""),
    ("A02061727", None, "插座、排插、插线板", ""),
    ("A02061801", None, "冰箱", ""),
    ("A02061804", None, "空调、挂机、柜机、分体空调", "节能产品强制采购品目"),
    ("A02061810", None, "", ""),
    ("A02061818", None, "饮水机、直饮机", ""),
    ("A02061819", None, "电热水器、燃气热水器", "节能产品强制采购品目"),
    ("A02061908", None, "LED灯、吸顶灯、灯管", ""),
    # 通信设备 A0208
    ("A02080701", None, "座机、办公电话", ""),
    ("A02080703", None, "手机", ""),
    ("A02080805", None, "视频会议系统、会议音频", ""),
    ("A02081099", "传真机", "", "对应省品目：其他传真通信设备"),
    # 广播、电视、电影设备 A0209
    ("A02091001", "电视机", "电视、液晶电视、智能电视", "节能产品强制采购品目"),
    ("A02091102", None, "摄像机、录像机", ""),
    ("A02091107", None, "监控摄像头、监控设备", ""),
    ("A02091206", None, "麦克风、话筒", ""),
    ("A02091304", None, "会议音响、扩声系统", ""),
    # 家具 A0501
    ("A05010201", None, "办公台、写字台、电脑桌", "2013 版属 A06"),
    ("A05010202", None, "会议台", ""),
    ("A05010204", None, "", ""),
    ("A05010301", None, "转椅、职员椅、班椅", ""),
    ("A05010303", None, "培训椅", ""),
    ("A05010401", None, "", ""),
    ("A05010402", None, "", ""),
    ("A05010501", None, "书架", ""),
    ("A05010502", None, "资料柜、铁皮柜", ""),
    ("A05010503", None, "", ""),
    ("A05010504", None, "保险柜", ""),
    ("A05010101", None, "上下床、宿舍床", ""),
    # 办公用品 A0504
    ("A05040101", None, "打印纸、A4纸、A3纸", "2013 版编码 A090101"),
    ("A05040103", None, "", ""),
    ("A05040106", None, "笔记本（纸质）、记事本", ""),
    ("A05040201", None, "硒鼓", ""),
    ("A05040202", None, "碳粉、墨粉", ""),
    ("A05040203", None, "墨盒", ""),
    ("A05040205", None, "", ""),
    ("A05040401", None, "办公文具、文件夹、订书机", ""),
    ("A05040402", None, "签字笔、中性笔、圆珠笔", ""),
    ("A05040501", None, "卫生纸、抽纸、擦手纸", ""),
    # 计算机软件 A0806
    ("A08060301", None, "操作系统、数据库", ""),
    ("A08060303", None, "办公软件", ""),
    # 服务
    ("C16070300", None, "软件维护", ""),
    ("C18040102", "机动车辆保险", "车险、车辆保险", "对应省品目：财产保险服务"),
    ("C21040000", None, "物业服务、物业管理", ""),
    ("C23090101", None, "", ""),
    ("C23090199", "印刷服务", "印刷、宣传册印刷、文件印刷", "对应省品目：其他印刷服务"),
    ("C23110200", None, "复印机租赁、打印机租赁", ""),
    ("C23120100", None, "电脑维修", ""),
    ("C23120200", None, "打印机维修、复印机维修", ""),
    ("C23120301", None, "车辆维修、汽车保养、修车", ""),
    ("C23120302", "车辆加油服务", "加油、加油卡", "对应省品目：车辆加油、添加燃料服务"),
    ("C23120700", None, "空调维修、空调清洗", ""),
    ("C23160000", "保洁服务", "保洁、清洁服务、卫生保洁", "对应省品目：建筑物清洁服务"),
    ("C22010200", "会议服务", "会务服务", "对应省品目：一般会议服务"),
]


def load(say) -> None:
    weihai = Subsite.objects.get(code="weihai")
    if MallCatalogVersion.objects.filter(subsite=weihai).exists():
        say("  mall catalog: Weihai already has a version, left as it is")
        return
    draft = mall_catalog_create_draft(subsite=weihai, copy_published=False, note="首版：常用货物和服务品目")
    for code, name, aliases, remark in ITEMS:
        category = category_by_code(code)
        local = f"WH-{category.short_code}"
        mall_item_add(version=draft, data=ItemData(local_code=local, local_name=name or category.name, aliases=aliases, category_code=code, remark=remark))
    mall_catalog_publish(version=draft)
    say(f"  mall catalog: Weihai version 1 published with {len(ITEMS)} items")
