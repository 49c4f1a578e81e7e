"""The published priority formula of the problem inventory.

    priority = 4 × severity
             + 6 × log2(1 + supporters)
             + 3 × log2(1 + problems)
             + 2 × districts
             + 3 × endorsements
             + 2 × expert comments

severity (1–5) is the planner's judgement; everything else is evidence counted from the
citizen problems linked to the entry: distinct supporters (a person who supported two
merged problems counts once), linked problems, distinct districts, NGO endorsements on
proposals about those problems, and published expert comments on them. Logarithms keep a
crowd from drowning out the planner's severity and the breadth of evidence; every term is
reported so anyone can see how the score was made, and the terms add up to the score.
"""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    key: str
    label: str
    weight: float
    transform: str  # "linear" or "log2(1+x)"


TERMS = (
    Term("severity", "شدت (نظر برنامه‌ریز)", 4.0, "linear"),
    Term("supporters_count", "پشتیبانان یکتا", 6.0, "log2(1+x)"),
    Term("problems_count", "مسائل پیوسته", 3.0, "log2(1+x)"),
    Term("districts_count", "مناطق درگیر", 2.0, "linear"),
    Term("endorsements_count", "حمایت سمن‌ها", 3.0, "linear"),
    Term("expert_comments_count", "نظرهای کارشناسی", 2.0, "linear"),
)

FORMULA = (
    "4×severity + 6×log2(1+supporters) + 3×log2(1+problems) + 2×districts "
    "+ 3×endorsements + 2×expert_comments"
)


def priority(evidence: dict) -> tuple[float, list[dict]]:
    """The score and its breakdown: one row per term, whose points add up to the score."""
    breakdown: list[dict] = []
    for term in TERMS:
        value = int(evidence.get(term.key) or 0)
        basis = value if term.transform == "linear" else math.log2(1 + value)
        points = round(term.weight * basis, 2)
        breakdown.append(
            {
                "term": term.key,
                "label": term.label,
                "value": value,
                "weight": term.weight,
                "transform": term.transform,
                "points": points,
            }
        )
    score = round(sum(row["points"] for row in breakdown), 2)
    return score, breakdown
