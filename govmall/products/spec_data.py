"""The spec templates (规格参数模板) a new installation starts with, by 2022 catalog code.

Data only: loaded into `SpecTemplate` by migration 0002 and by `spec_templates_sync()`;
operators change templates in the admin afterwards. A template applies to its category and to
every category below it without a template of its own (e.g. A02021000 打印机 → A4黑白打印机).

Attribute keys: code, label, kind (text | number | choice), unit, choices, required, key
(a change of a key attribute sends a listed product back to review).
"""


def _a(code, label, kind="text", *, unit="", choices=(), required=True, key=False):
    return {"code": code, "label": label, "kind": kind, "unit": unit, "choices": list(choices), "required": required, "key": key}


OS_CHOICES = ["统信UOS", "银河麒麟", "Windows 11 专业版", "Windows 10 专业版", "无操作系统"]

TEMPLATES: dict[str, tuple[str, list[dict]]] = {
    "A02010105": (
        "台式计算机",
        [
            _a("cpu", "处理器", key=True),
            _a("memory", "内存", "choice", choices=["8GB", "16GB", "32GB", "64GB"], key=True),
            _a("storage", "硬盘", key=True),
            _a("screen", "显示器尺寸", "number", unit="英寸", required=False),
            _a("os", "操作系统", "choice", choices=OS_CHOICES, key=True),
        ],
    ),
    "A02010108": (
        "便携式计算机",
        [
            _a("cpu", "处理器", key=True),
            _a("memory", "内存", "choice", choices=["8GB", "16GB", "32GB"], key=True),
            _a("storage", "硬盘", key=True),
            _a("screen", "屏幕尺寸", "number", unit="英寸", key=True),
            _a("os", "操作系统", "choice", choices=OS_CHOICES, key=True),
            _a("weight", "重量", "number", unit="kg", required=False),
        ],
    ),
    "A02010109": (
        "平板式计算机",
        [
            _a("screen", "屏幕尺寸", "number", unit="英寸", key=True),
            _a("storage", "存储容量", key=True),
            _a("os", "操作系统", key=True),
        ],
    ),
    "A02010104": (
        "服务器",
        [
            _a("cpu", "处理器", key=True),
            _a("memory", "内存", key=True),
            _a("storage", "硬盘", key=True),
            _a("form", "结构", "choice", choices=["机架式", "塔式", "刀片式"], key=True),
        ],
    ),
    "A02021000": (
        "打印机",
        [
            _a("print_tech", "打印方式", "choice", choices=["激光", "喷墨", "针式", "热敏"], key=True),
            _a("paper_size", "最大幅面", "choice", choices=["A4", "A3"], key=True),
            _a("color", "色彩", "choice", choices=["黑白", "彩色"], key=True),
            _a("speed", "打印速度", "number", unit="页/分钟", key=True),
            _a("duplex", "自动双面", "choice", choices=["是", "否"], required=False),
            _a("network", "网络打印", "choice", choices=["有线", "有线+无线", "无"], required=False),
        ],
    ),
    "A02020400": (
        "多功能一体机",
        [
            _a("functions", "功能", "choice", choices=["打印/复印/扫描", "打印/复印/扫描/传真"], key=True),
            _a("paper_size", "最大幅面", "choice", choices=["A4", "A3"], key=True),
            _a("color", "色彩", "choice", choices=["黑白", "彩色"], key=True),
            _a("speed", "速度", "number", unit="页/分钟", key=True),
        ],
    ),
    "A02020100": (
        "复印机",
        [
            _a("paper_size", "最大幅面", "choice", choices=["A4", "A3"], key=True),
            _a("color", "色彩", "choice", choices=["黑白", "彩色"], key=True),
            _a("speed", "复印速度", "number", unit="页/分钟", key=True),
        ],
    ),
    "A02020200": (
        "投影仪",
        [
            _a("brightness", "亮度", "number", unit="流明", key=True),
            _a("resolution", "分辨率", "choice", choices=["1024×768", "1920×1080", "3840×2160"], key=True),
        ],
    ),
    "A02021104": (
        "液晶显示器",
        [
            _a("size", "屏幕尺寸", "number", unit="英寸", key=True),
            _a("resolution", "分辨率", "choice", choices=["1920×1080", "2560×1440", "3840×2160"], key=True),
            _a("panel", "面板类型", "choice", choices=["IPS", "VA", "TN"], required=False),
        ],
    ),
    "A02021301": ("碎纸机", [_a("level", "保密等级", "choice", choices=["P-3", "P-4", "P-5"], key=True), _a("capacity", "纸箱容积", "number", unit="L")]),
    "A02061804": (
        "空调机",
        [
            _a("ac_type", "类型", "choice", choices=["壁挂式", "立柜式", "嵌入式"], key=True),
            _a("capacity", "匹数", "choice", choices=["1匹", "1.5匹", "2匹", "3匹", "5匹"], key=True),
            _a("energy_grade", "能效等级", "choice", choices=["一级", "二级", "三级"], key=True),
            _a("inverter", "变频", "choice", choices=["变频", "定频"], required=False),
        ],
    ),
    "A02052305": (
        "空调机组",
        [
            _a("unit_type", "机组类型", "choice", choices=["多联式空调", "单元式空气调节机", "其他"], key=True),
            _a("cooling", "制冷量", "number", unit="kW", key=True),
        ],
    ),
    "A02061819": (
        "热水器",
        [
            _a("heater_type", "类型", "choice", choices=["电热水器", "燃气热水器", "热泵热水器", "太阳能热水器"], key=True),
            _a("volume", "容积", "number", unit="L", key=True),
        ],
    ),
    "A02061801": ("电冰箱", [_a("volume", "总容积", "number", unit="L", key=True), _a("energy_grade", "能效等级", "choice", choices=["一级", "二级", "三级"], key=True)]),
    "A02091001": (
        "电视机",
        [
            _a("size", "屏幕尺寸", "number", unit="英寸", key=True),
            _a("resolution", "分辨率", "choice", choices=["1920×1080", "3840×2160"], key=True),
        ],
    ),
    "A02091107": (
        "视频监控设备",
        [
            _a("device_type", "设备类型", "choice", choices=["网络摄像机", "监视器", "硬盘录像机"], key=True),
            _a("resolution", "分辨率", "choice", choices=["200万像素", "400万像素", "800万像素", "1920×1080"], key=True),
        ],
    ),
    "A02061908": (
        "室内照明灯具",
        [
            _a("light_source", "光源类型", "choice", choices=["LED", "双端荧光灯", "其他"], key=True),
            _a("power", "功率", "number", unit="W", key=True),
        ],
    ),
    "A05040101": (
        "复印纸",
        [
            _a("paper_size", "规格", "choice", choices=["A4", "A3", "B5"], key=True),
            _a("grammage", "克重", "choice", choices=["70g", "80g"], key=True),
            _a("pack", "包装", key=True),
        ],
    ),
    "A05040200": (
        "硒鼓、粉盒",
        [_a("compatible", "适用机型", key=True), _a("yield", "打印页数", "number", unit="页", key=True)],
    ),
    "A05040400": ("文教用品", [_a("pack", "包装规格", key=True), _a("material", "材质", required=False)]),
    "A05040500": ("清洁用品", [_a("pack", "包装规格", key=True)]),
    "A05010200": (
        "台、桌类",
        [_a("material", "材质", "choice", choices=["实木", "板式", "钢制", "钢木"], key=True), _a("dimensions", "规格尺寸", unit="mm", key=True), _a("color", "颜色", required=False)],
    ),
    "A05010300": (
        "椅凳类",
        [_a("material", "材质", "choice", choices=["网布", "皮质", "实木", "钢制", "布艺"], key=True), _a("dimensions", "规格尺寸", unit="mm", key=True), _a("color", "颜色", required=False)],
    ),
    "A05010400": ("沙发类", [_a("material", "材质", "choice", choices=["皮质", "布艺"], key=True), _a("dimensions", "规格尺寸", unit="mm", key=True)]),
    "A05010500": (
        "柜类",
        [_a("material", "材质", "choice", choices=["钢制", "板式", "实木"], key=True), _a("dimensions", "规格尺寸", unit="mm", key=True), _a("color", "颜色", required=False)],
    ),
    "A05020105": ("便器", [_a("toilet_type", "类型", "choice", choices=["坐便器", "蹲便器", "小便器"], key=True), _a("flush", "冲水量", "number", unit="L", key=True)]),
    "A05020106": ("水嘴", [_a("material", "材质", "choice", choices=["铜", "不锈钢"], key=True), _a("flow", "流量", "number", unit="L/min", key=True)]),
    "A05020107": ("便器冲洗阀", [_a("valve_type", "类型", "choice", choices=["大便器冲洗阀", "小便器冲洗阀"], key=True)]),
    "C23120301": (
        "车辆维修和保养服务",
        [_a("service", "服务内容", key=True), _a("vehicles", "适用车型", key=True), _a("outlets", "服务网点", required=False)],
    ),
    "C23120302": ("车辆加油服务", [_a("fuel", "油品", "choice", choices=["92号汽油", "95号汽油", "0号柴油"], key=True), _a("outlets", "加油站点", required=False)]),
    "C23120200": ("办公设备维修和保养服务", [_a("service", "服务内容", key=True), _a("response", "响应时间", unit="小时", key=True)]),
}
