"""Names for the synthetic demo district 兴隆台区 (Xinglongtai, Panjin). Streets named in the meeting article
(新工街道 with 粮家村, 振兴街道) are used; the rest are plausible. 106 communities and 13 villages, as the
article counts them."""

from __future__ import annotations

DISTRICT = ("211103", "兴隆台区")

# (name, kind, number of communities, villages)
STREETS: list[tuple[str, str, int, list[str]]] = [
    ("新工街道", "street", 9, ["粮家村", "二台子村", "新立村", "荣胜村", "北窑村"]),
    ("振兴街道", "street", 10, []),
    ("兴隆街道", "street", 10, []),
    ("渤海街道", "street", 10, []),
    ("创新街道", "street", 9, []),
    ("友谊街道", "street", 9, []),
    ("曙光街道", "street", 9, []),
    ("惠宾街道", "street", 9, []),
    ("兴盛街道", "street", 8, []),
    ("茨采街道", "street", 8, []),
    ("欢喜岭街道", "street", 8, []),
    ("新生镇", "town", 7, ["新生村", "西大村", "南岗村", "东风村", "靠山村", "红旗村", "前进村", "荣兴村"]),
]

COMMUNITY_WORDS = (
    "园丁 胜利 新华 光明 幸福 和平 锦绣 龙湾 湖滨 春晖 翠园 金港 银河 祥和 安康 福源 长兴 繁荣 汇丰 鑫海 "
    "明珠 滨河 盛世 康乐 瑞祥 泰山 华油 石油 油建 钻井 供水 电力 铁路 公园 湿地 鹤乡 苇海 红海 稻香 芦花 "
    "东湖 西湖 南湖 北湖 惠民 兴业 开元 振华 宏伟 永安 万和 嘉禾 丰收 朝阳 晨光 曙辉 昌盛 富民 兴旺 吉祥 "
    "金秋 银杏 紫竹 碧水 青松 绿洲 雅居 馨园 怡景 和谐 文化 科技 创业 学府 体育 阳光 星河 月亮 海湾 渤海 "
    "辽河 双台 大洼 盘山 兴海 旭日 东升 西城 南苑 北苑 中心 育才 双兴 世纪 新城 宜居 泰和 锦园 滨海 鼎翔 "
    "天泰 隆兴 锦华 华府 富华 馨海"
).split()

DEPARTMENTS = [
    ("区疫情防控指挥部", "hq"),
    ("区卫生健康局", "health"),
    ("区应急管理局", "emergency"),
    ("区市场监督管理局", "market"),
    ("区教育局", "education"),
    ("区交通运输局", "transport"),
    ("盘锦市公安局兴隆台分局", "police"),
    ("区住房和城乡建设局", "housing"),
    ("区商务局", "commerce"),
    ("区文化旅游和广播电视局", "culture"),
    ("区委宣传部", "publicity"),
    ("区纪委监委", "discipline"),
]

ISOLATION_SITES = [  # (name, beds, kind): where closed-loop people are taken
    ("兴隆台区第一集中隔离点", 120, "集中隔离点"),
    ("兴隆台区第二集中隔离点", 80, "集中隔离点"),
    ("盘锦市传染病医院（定点医院）", 60, "定点医院"),
]

CHECKPOINTS = [  # (name, where)
    ("兴隆台收费站道口", "G1京哈高速兴隆台收费站"),
    ("疏港高速兴隆台出口道口", "疏港高速兴隆台出口"),
    ("305国道新生道口", "305国道新生段"),
    ("盘锦北站接站点", "盘锦北站出站口"),
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_MALE = "伟强磊军洋勇杰涛明超刚鹏宇浩然轩博晨俊豪东胜国华建平文斌辉力鑫志海亮健峰龙波"
GIVEN_FEMALE = "芳娜秀英敏静丽艳娟霞桂兰玉梅丹萍婷雪琳颖佳怡欣涵萱诺慧燕红梅菊淑珍凤霞晶倩"
