"""The registry of submission topics: one entry (a module of this package) per topic.

TOPICS lists them in the order of the workbook's sheets. Adding a topic is adding its module
here and the views it feeds (sql/); etl.validate, etl.load, etl.build, etl.marts, etl.template,
etl.sample and etl.reference loop over TOPICS and never name a topic. The shape of an entry is
etl.topics.base.Topic.

The header wordings: the template writes the first wording of each column; the reader accepts
any listed wording (compared without diacritics, case or punctuation), so tables typed by hand
or copied from a report appendix are read too.
"""
from __future__ import annotations

from etl.topics import cleaning, identity, services, tasks, utilities
from etl.topics.base import Column, Topic
from etl.topics.tasks import STATUS_ALIASES, STATUS_LABELS

TOPICS: dict[str, Topic] = {t.key: t for t in (services.TOPIC, identity.TOPIC, cleaning.TOPIC, tasks.TOPIC, utilities.TOPIC)}

INSTRUCTIONS_SHEET = "Hướng dẫn"
CATALOGUE_SHEET = "Danh mục"  # hidden sheet of the template: the codes its drop-down lists offer
SAMPLE_MARK = "DỮ LIỆU MẪU"

__all__ = ["TOPICS", "Topic", "Column", "STATUS_LABELS", "STATUS_ALIASES", "INSTRUCTIONS_SHEET", "CATALOGUE_SHEET", "SAMPLE_MARK"]
