"""A period under preset 004 (衢州四维考评: 个性指标 60 points, at most 3 per person) on the test
organisation, and a small scheme whose personal node carries weights."""

from datetime import date
from decimal import Decimal

from kaohe.appraisal.personal_rules import Item
from kaohe.appraisal.services.periods import create_period
from kaohe.appraisal.services.schemes import import_scheme
from kaohe.presets import load_preset

NODE = "绩效评分/个性指标"

WEIGHT_SCHEME = """
scheme: 权重个性
year: 2025
period: quarter
version: "w1"
tracks:
  全体: {}
components:
  实绩:
    share: 100%
    indicators:
      共性: {weight: 50%}
      个性: {weight: 50%, source: personal, max_count: 2}
grading:
  grades: [优秀, 一般]
  thresholds: {一般: 0}
"""


def period_004(unit, version="004"):
    text = load_preset("004_quzhou").scheme_text().replace('version: "2025.1"', f'version: "{version}"')
    sch = import_scheme(actor=None, text=text, preset="004_quzhou")
    return create_period(actor=None, unit=unit, scheme=sch, kind="year", start=date(2025, 1, 1))


def period_weights(unit):
    sch = import_scheme(actor=None, text=WEIGHT_SCHEME)
    return create_period(actor=None, unit=unit, scheme=sch, kind="quarter", start=date(2025, 4, 1))


def three(a=20, b=20, c=20):
    return [
        Item("招商引资", Decimal(a), "引进项目 2 个"),
        Item("项目推进", Decimal(b)),
        Item("信访化解", Decimal(c)),
    ]
