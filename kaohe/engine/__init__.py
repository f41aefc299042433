"""Kaohe's appraisal engine: pure computation (no Django, no file I/O), numpy-vectorised.

scheme = load_scheme(text, file="scheme.yaml")   # SchemeError lists every problem
result = compute(scheme, period_data)              # DataError lists every problem
print(explain(result, "P001"))                     # one person's derivation, in Chinese
"""

from kaohe.engine.compute import compute
from kaohe.engine.data import Codes, People, PeriodData, Table
from kaohe.engine.errors import DataError, EngineError, Problem, SchemeError
from kaohe.engine.explain import explain
from kaohe.engine.result import Result
from kaohe.engine.scheme import Scheme
from kaohe.engine.scheme_load import load_scheme, scheme_from_dict

__all__ = [
    "Codes",
    "DataError",
    "EngineError",
    "PeriodData",
    "People",
    "Problem",
    "Result",
    "Scheme",
    "SchemeError",
    "Table",
    "compute",
    "explain",
    "load_scheme",
    "scheme_from_dict",
]
