"""The zone protocol's default levels (domain brief), as plain data: migration 0002 and `protocol` read it."""

# code, name, colour, restrictions, rank, quiet days, contact days, negative days, lifts with others, in use
DEFAULT_LEVELS = [
    ("sealed", "封控区", "red", "足不出户，上门服务。", 1, 14, 14, 2, False, True),
    ("controlled", "管控区", "yellow", "人不出区，严禁聚集；出现阳性转为封控区。", 2, 14, 14, 2, False, True),
    ("prevention", "防范区", "green", "强化社会面管控，严格限制人员聚集。", 3, 0, 0, 0, True, True),
    ("high", "高风险区", "red", "足不出户，上门服务。", 1, 7, 7, 1, False, False),
    ("medium", "中风险区", "yellow", "人不出区，错峰取物。", 2, 7, 7, 1, False, False),
    ("low", "低风险区", "green", "个人防护，避免聚集。", 3, 0, 0, 0, True, False),
]

# code: the name and the restrictions in English, for a reader in English. Apart from the rows above, whose shape
# migration 0002 unpacks as it was.
DEFAULT_ENGLISH = {
    "sealed": ("Sealed zone", "Stay at home; services come to the door."),
    "controlled": (
        "Controlled zone",
        "Nobody leaves the zone; no gatherings. A positive case turns it into a sealed zone.",
    ),
    "prevention": ("Prevention zone", "Tighter control in public places; gatherings strictly limited."),
    "high": ("High-risk area", "Stay at home; services come to the door."),
    "medium": ("Medium-risk area", "Nobody leaves the area; collect deliveries at staggered times."),
    "low": ("Low-risk area", "Personal protection; avoid gatherings."),
}

# How contacts are managed (models.ContactProtocol), counted from the last exposure, day 1 being its day:
# kind, days of central isolation, days at home after it, test days. A close contact (密接): 7 days of central
# isolation then 3 days of home health monitoring, tests on days 1, 2, 3, 5 and 7; a secondary contact (次密接):
# 7 days of home isolation, tests on days 1, 4 and 7.
DEFAULT_CONTACT_PROTOCOL = [
    ("close", 7, 3, [1, 2, 3, 5, 7]),
    ("secondary", 0, 7, [1, 4, 7]),
]
