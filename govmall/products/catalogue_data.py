"""Realistic product families for demo data (demo.py) and the search benchmark
(benchmarks/search.py): brands, model numbers, spec values and price ranges of what a city
mall sells, by 2022 catalog code. Data and a deterministic generator only; no database access.

Brands and models are real-world style names used as examples; prices are plausible ranges,
not quotes."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

CPU_DESK = ["英特尔 酷睿 i5-12400", "英特尔 酷睿 i5-13400", "英特尔 酷睿 i7-12700", "英特尔 酷睿 i3-12100", "龙芯 3A5000", "兆芯 KX-U6780A", "飞腾 D2000", "海光 3250", "AMD 锐龙5 5600G"]
CPU_LAPTOP = ["英特尔 酷睿 i5-1240P", "英特尔 酷睿 i7-1260P", "英特尔 酷睿 i5-1335U", "AMD 锐龙7 7730U", "龙芯 3A6000", "飞腾 FT-2000/4"]
STORAGE = ["256GB 固态硬盘", "512GB 固态硬盘", "1TB 固态硬盘", "512GB 固态硬盘+1TB 机械硬盘"]
OS = ["统信UOS", "银河麒麟", "Windows 11 专业版", "Windows 10 专业版"]
COLORS_FURN = ["胡桃色", "柚木色", "白橡色", "灰白色", "黑色"]


@dataclass(frozen=True)
class Family:
    code: str  # 2022 catalog code
    noun: str  # what the title calls it
    brands: tuple[str, ...]
    models: tuple[str, ...]  # patterns: {n} → digits
    price: tuple[int, int]
    specs: tuple  # (code, values) pairs
    energy: float = 0.0  # share with an energy-saving certificate
    env: float = 0.0  # share with an environmental-label certificate
    unit: str = ""  # title suffix such as "（5包/箱）"
    desc: str = ""


FAMILIES: tuple[Family, ...] = (
    Family("A02010105", "台式计算机", ("联想", "华为", "清华同方", "长城", "惠普", "戴尔", "浪潮", "宏碁", "海尔"),
           ("启天M{n}", "擎云B{n}", "超翔TN{n}", "世恒{n}", "ProDesk {n} G9", "OptiPlex {n}", "CE{n}", "商祺N{n}", "扬天M{n}"), (3500, 9800),
           (("cpu", CPU_DESK), ("memory", ["8GB", "16GB", "32GB"]), ("storage", STORAGE), ("screen", ["21.5", "23.8", "27"]), ("os", OS)),
           energy=1.0, env=0.5, desc="商用台式计算机，含显示器、键盘、鼠标，整机三年上门保修。"),
    Family("A02010108", "便携式计算机", ("联想", "华为", "惠普", "戴尔", "华硕", "宏碁", "清华同方", "荣耀"),
           ("ThinkPad E{n}", "MateBook D{n}", "战66 {n}", "Latitude {n}", "灵耀{n}", "TravelMate P{n}", "超锐L{n}", "MagicBook {n}"), (4200, 12800),
           (("cpu", CPU_LAPTOP), ("memory", ["8GB", "16GB", "32GB"]), ("storage", STORAGE[:3]), ("screen", ["14", "15.6", "16"]), ("os", OS), ("weight", ["1.4", "1.6", "1.8"])),
           energy=1.0, env=0.4, desc="轻薄商务笔记本电脑，适合移动办公。"),
    Family("A02010109", "平板式微型计算机", ("华为", "联想", "小米", "荣耀"), ("MatePad {n}", "小新Pad {n}", "Pad {n}", "平板{n}"), (1500, 5200),
           (("screen", ["10.4", "11", "12.6"]), ("storage", ["128GB", "256GB"]), ("os", ["鸿蒙", "安卓"])), energy=1.0),
    Family("A02021003", "A4黑白激光打印机", ("惠普", "兄弟", "奔图", "联想", "佳能", "震旦"), ("LaserJet Pro M{n}dw", "HL-{n}DN", "P{n}DN", "LJ{n}D", "LBP{n}dn", "AD{n}"), (900, 3200),
           (("print_tech", ["激光"]), ("paper_size", ["A4"]), ("color", ["黑白"]), ("speed", ["28", "33", "38", "40"]), ("duplex", ["是", "否"]), ("network", ["有线", "有线+无线"])),
           energy=1.0, env=0.6, desc="办公黑白激光打印机，支持自动双面打印。"),
    Family("A02021004", "A4彩色打印机", ("惠普", "爱普生", "佳能", "兄弟", "奔图"), ("Color LaserJet Pro M{n}", "L{n} 墨仓式", "G{n}", "HL-L{n}CDW", "CP{n}DN"), (1100, 4800),
           (("print_tech", ["激光", "喷墨"]), ("paper_size", ["A4"]), ("color", ["彩色"]), ("speed", ["18", "22", "27"]), ("duplex", ["是", "否"])),
           energy=0.8, env=0.5),
    Family("A02021001", "A3黑白激光打印机", ("惠普", "兄弟", "理光", "京瓷"), ("LaserJet M{n}n", "HL-{n}", "SP {n}", "ECOSYS P{n}dn"), (3500, 9800),
           (("print_tech", ["激光"]), ("paper_size", ["A3"]), ("color", ["黑白"]), ("speed", ["25", "35", "45"])), energy=1.0, env=0.4),
    Family("A02021006", "针式票据打印机", ("爱普生", "映美", "得实", "富士通"), ("LQ-{n}K", "FP-{n}K", "DS-{n}", "DPK{n}"), (1200, 3600),
           (("print_tech", ["针式"]), ("paper_size", ["A4"]), ("color", ["黑白"]), ("speed", ["10", "12"])), energy=1.0, desc="发票、凭证打印，24针，平推式。"),
    Family("A02020400", "多功能一体机", ("理光", "柯尼卡美能达", "京瓷", "夏普", "东芝", "佳能", "惠普"),
           ("IM C{n}", "bizhub C{n}", "TASKalfa {n}ci", "MX-C{n}", "e-STUDIO {n}AC", "iR-ADV C{n}", "LaserJet MFP M{n}"), (6800, 42000),
           (("functions", ["打印/复印/扫描", "打印/复印/扫描/传真"]), ("paper_size", ["A3", "A4"]), ("color", ["黑白", "彩色"]), ("speed", ["25", "30", "35", "45"])),
           env=0.6, desc="打印、复印、扫描一体，支持网络打印和双面扫描。"),
    Family("A02020100", "数码复印机", ("理光", "柯尼卡美能达", "京瓷", "夏普", "东芝"), ("MP {n}SP", "bizhub {n}i", "TASKalfa {n}i", "MX-M{n}", "e-STUDIO {n}A"), (9000, 38000),
           (("paper_size", ["A3"]), ("color", ["黑白", "彩色"]), ("speed", ["30", "35", "45", "55"])), env=0.5),
    Family("A02021104", "液晶显示器", ("AOC", "飞利浦", "戴尔", "联想", "华硕", "三星", "惠普"), ("{n}V", "{n}E", "P{n}H", "ThinkVision T{n}", "VA{n}", "S{n}", "E{n}"), (600, 3200),
           (("size", ["21.5", "23.8", "27", "31.5"]), ("resolution", ["1920×1080", "2560×1440", "3840×2160"]), ("panel", ["IPS", "VA"])), energy=1.0, env=0.4),
    Family("A02020200", "投影仪", ("爱普生", "明基", "索尼", "NEC", "松下"), ("CB-{n}", "E{n}", "VPL-EX{n}", "NP-CD{n}", "PT-X{n}"), (2800, 16000),
           (("brightness", ["3300", "3800", "4200", "5000"]), ("resolution", ["1024×768", "1920×1080"])), desc="会议室、教室用投影仪。"),
    Family("A02021301", "碎纸机", ("得力", "科密", "三木", "齐心"), ("{n}", "C-{n}", "SD{n}", "S{n}"), (300, 2600),
           (("level", ["P-3", "P-4", "P-5"]), ("capacity", ["18", "23", "30"])), env=0.2),
    Family("A02061804", "空调", ("格力", "美的", "海尔", "海信", "奥克斯", "长虹", "TCL"),
           ("KFR-{n}GW/NhAa1BAj", "KFR-{n}GW/N8XHA1", "KFR-{n}LW/07", "KFR-{n}GW/BpR3", "KFR-{n}LW/FNhDa-A1"), (2600, 13800),
           (("ac_type", ["壁挂式", "立柜式"]), ("capacity", ["1匹", "1.5匹", "2匹", "3匹", "5匹"]), ("energy_grade", ["一级", "二级"]), ("inverter", ["变频"])),
           energy=1.0, desc="变频冷暖空调，含标准安装。"),
    Family("A02061819", "热水器", ("海尔", "美的", "A.O.史密斯", "万和", "万家乐"), ("EC{n}-JN", "F{n}-JE", "E{n}VDP", "JSQ{n}", "D{n}"), (900, 4800),
           (("heater_type", ["电热水器", "电热水器", "燃气热水器"]), ("volume", ["40", "50", "60", "80"])), energy=0.9),
    Family("A02091001", "液晶电视机", ("海信", "创维", "TCL", "小米", "长虹", "康佳", "海尔"), ("{n}E3H", "{n}A3", "{n}V8E", "L{n}M7", "{n}D5K", "{n}G9", "LU{n}"), (1800, 9800),
           (("size", ["43", "55", "65", "75"]), ("resolution", ["3840×2160", "1920×1080"])), energy=1.0, desc="4K 智能液晶电视，会议室信息发布可用。"),
    Family("A02061801", "电冰箱", ("海尔", "美的", "容声", "西门子", "美菱"), ("BCD-{n}WDPD", "BCD-{n}WTM", "BCD-{n}WD11", "KA{n}NV05TI", "BCD-{n}"), (1500, 6500),
           (("volume", ["218", "306", "430", "510"]), ("energy_grade", ["一级", "二级"]))),
    Family("A02091107", "视频监控设备", ("海康威视", "大华", "宇视", "天地伟业"), ("DS-2CD{n}", "DH-IPC-HFW{n}", "IPC{n}", "TC-C{n}"), (300, 5200),
           (("device_type", ["网络摄像机", "网络摄像机", "硬盘录像机", "监视器"]), ("resolution", ["400万像素", "800万像素", "1920×1080"])), energy=0.3),
    Family("A02061908", "LED灯具", ("欧普", "雷士", "飞利浦", "三雄极光", "佛山照明"), ("MX{n}", "NVC-{n}", "DN{n}", "PAK-{n}", "FSL-{n}"), (40, 680),
           (("light_source", ["LED", "LED", "LED", "双端荧光灯"]), ("power", ["18", "24", "36", "48"])), energy=0.4, env=0.3),
    Family("A05040101", "复印纸", ("得力", "晨光", "齐心", "百旺", "金旗舰", "欧伦", "天章"), ("{n}", "M{n}", "C{n}", "BW{n}", "JQJ{n}", "UPM{n}", "TZ{n}"), (115, 268),
           (("paper_size", ["A4", "A4", "A4", "A3"]), ("grammage", ["70g", "80g"]), ("pack", ["500张/包 5包/箱", "500张/包 8包/箱"])), env=0.7, unit="（整箱）",
           desc="高白度复印纸，双面打印不卡纸。"),
    Family("A05040201", "硒鼓", ("惠普", "格之格", "天威", "莱盛", "欣格", "兄弟", "佳能"), ("CF{n}A", "NT-C{n}", "TW-{n}", "LS-{n}", "XG-{n}", "TN-{n}", "CRG-{n}"), (85, 880),
           (("compatible", ["惠普 M404dn", "惠普 M227fdw", "兄弟 HL-2260D", "奔图 P3305DN", "联想 LJ2405D", "佳能 LBP2900"]), ("yield", ["1600", "2600", "3000", "5000"])), env=0.5),
    Family("A05040202", "墨粉", ("天威", "格之格", "莱盛", "理光", "京瓷"), ("TK-{n}", "NT-{n}", "LS-T{n}", "MP{n}C", "TW-{n}T"), (60, 980),
           (("compatible", ["理光 MP2014", "京瓷 TASKalfa 2011", "柯美 bizhub 226", "夏普 AR-2048"]), ("yield", ["8000", "12000", "20000"]))),
    Family("A05040401", "办公文具", ("得力", "晨光", "齐心", "广博", "益而高"), ("{n}", "A{n}", "B{n}", "C{n}"), (6, 180),
           (("pack", ["订书机 1个", "文件夹 10个/包", "档案盒 10个/包", "长尾夹 24个/盒", "便利贴 12本/包", "计算器 1个"]), ("material", ["金属", "塑料", "纸质"])), env=0.2),
    Family("A05040402", "中性笔", ("晨光", "得力", "百乐", "真彩", "斑马"), ("GP-{n}", "S{n}", "BL-{n}", "K-{n}", "JJ{n}"), (10, 96),
           (("pack", ["0.5mm 黑色 12支/盒", "0.5mm 蓝色 12支/盒", "0.38mm 黑色 12支/盒"]),)),
    Family("A05040501", "卫生纸", ("维达", "清风", "心相印", "洁柔", "漫花"), ("V{n}", "B{n}", "DT{n}", "JR{n}", "MH{n}"), (28, 168),
           (("pack", ["抽纸 3层 100抽×24包", "卷纸 4层 140g×27卷", "擦手纸 200抽×20包"]),), env=0.4),
    Family("A05010201", "办公桌", ("震旦", "圣奥", "黎明", "海韵", "科尔卡诺", "诚信"), ("OD-{n}", "SA-{n}", "LM{n}", "HY-{n}", "KE{n}", "CX-{n}"), (780, 5600),
           (("material", ["板式", "实木", "钢木"]), ("dimensions", ["1400×700×750", "1600×800×750", "1800×900×760"]), ("color", COLORS_FURN)), env=0.6,
           desc="E1 级环保板材，含活动柜。"),
    Family("A05010202", "会议桌", ("震旦", "圣奥", "黎明", "海韵", "诚信"), ("HY-{n}", "OM-{n}", "LM-H{n}", "CX-H{n}"), (1800, 12000),
           (("material", ["板式", "实木"]), ("dimensions", ["2400×1200×760", "3600×1500×760", "4800×1800×760"]), ("color", COLORS_FURN)), env=0.5),
    Family("A05010301", "办公椅", ("永艺", "圣奥", "震旦", "西昊", "海韵", "黎明"), ("YY-{n}", "SA-Y{n}", "OC-{n}", "M{n}", "HY-Y{n}"), (280, 2600),
           (("material", ["网布", "皮质", "布艺"]), ("dimensions", ["600×600×1050", "650×650×1150"]), ("color", ["黑色", "灰色"])), env=0.4),
    Family("A05010303", "会议椅", ("圣奥", "黎明", "海韵", "诚信"), ("HY-C{n}", "LM-C{n}", "SA-C{n}", "CX-C{n}"), (160, 980),
           (("material", ["网布", "布艺", "皮质"]), ("dimensions", ["560×540×900", "600×560×950"])), env=0.3),
    Family("A05010502", "文件柜", ("虎泰", "富士达", "海韵", "诚信", "黎明"), ("HT-{n}", "FSD-{n}", "HY-G{n}", "CX-G{n}"), (420, 2400),
           (("material", ["钢制", "板式"]), ("dimensions", ["900×400×1850", "850×390×2000"]), ("color", ["灰白色", "胡桃色"])), env=0.5,
           desc="冷轧钢板，静电喷涂，带锁。"),
    Family("A05010501", "书柜", ("海韵", "诚信", "黎明", "震旦"), ("HY-S{n}", "CX-S{n}", "LM-S{n}", "OD-S{n}"), (680, 3800),
           (("material", ["板式", "实木"]), ("dimensions", ["1200×400×2000", "1600×400×2000"]), ("color", COLORS_FURN)), env=0.5),
    Family("C23120301", "车辆维修保养", ("远航汽修", "途虎养车", "中升汽服"), ("小保养{n}", "大保养{n}", "四轮定位{n}", "刹车片更换{n}"), (180, 2600),
           (("service", ["机油+机油滤清器更换", "机油+三滤更换+全车检查", "四轮定位及动平衡", "前刹车片更换（含工时）"]), ("vehicles", ["5座轿车", "7座SUV", "商务车"]), ("outlets", ["环翠区、经区、高区门店", "全市 6 家门店"])),
           desc="公务用车定点维修保养，含工时费，配件为原厂或同质件。"),
    Family("C23120302", "车辆加油服务", ("中国石化", "中国石油"), ("加油卡充值{n}",), (500, 5000),
           (("fuel", ["92号汽油", "95号汽油", "0号柴油"]), ("outlets", ["威海市内各加油站", "全省联网加油站"]))),
    Family("C23120700", "空调维修清洗服务", ("恒泰空调", "海之星电器"), ("清洗{n}", "维修{n}"), (80, 1200),
           (), desc="分体空调、柜机深度清洗消毒，故障上门维修。"),
)


def families_by_code() -> dict[str, Family]:
    return {f.code: f for f in FAMILIES}


@dataclass
class Generated:
    family: Family
    brand: str
    model: str
    title: str
    specs: dict
    price: Decimal
    description: str
    energy: bool
    env: bool


def generate(rng: random.Random, family: Family, serial: int) -> Generated:
    i = rng.randrange(len(family.brands))
    brand = family.brands[i]
    pattern = family.models[i % len(family.models)] if rng.random() < 0.7 else rng.choice(family.models)
    model = pattern.replace("{n}", str(rng.randint(100, 9999)))
    specs = {code: rng.choice(values) for code, values in family.specs}
    lo, hi = family.price
    if hi > 300:
        price = Decimal(max(lo, rng.randint(lo, hi) // 100 * 100 - 1))
    else:
        price = Decimal(rng.randint(lo * 10, hi * 10)) / 10
    price = price.quantize(Decimal("0.01"))
    highlights = " ".join(str(v) for k, v in specs.items() if k in ("cpu", "memory", "storage", "size", "screen", "capacity", "paper_size", "grammage", "speed", "material", "pack", "heater_type", "device_type", "fuel"))[:60]
    title = f"{brand} {model} {family.noun} {highlights}{family.unit}".strip()
    energy = rng.random() < family.energy
    env = rng.random() < family.env
    return Generated(family, brand, model, title[:120], specs, price, family.desc, energy, env)
