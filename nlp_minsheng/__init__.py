"""nlp_minsheng: structured data from Chinese livelihood-plan announcements.

>>> from nlp_minsheng import parse
>>> plan = parse("2024年计划新增车位不少于30000个，总投资约500万元。")  # doctest: +SKIP
"""

__version__ = "0.1.0"

from .labels import LABELS, SCHEMA_VERSION  # noqa: E402
from .pipeline import Pipeline, get_default_pipeline, parse, parse_batch  # noqa: E402
from .results import Entity, Item, Plan  # noqa: E402

__all__ = ["LABELS", "SCHEMA_VERSION", "Entity", "Item", "Pipeline", "Plan", "__version__",
           "get_default_pipeline", "parse", "parse_batch"]
