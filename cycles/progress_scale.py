"""The IHI project progress scale (0.5 to 5.0), with what each score means, shown when scoring."""

from decimal import Decimal

IHI_SCALE = [
    ("0.5", "Intent to participate", "The team is forming and the project is being scoped."),
    ("1.0", "Forming team", "Team formed, aim agreed, the people it is for identified."),
    ("1.5", "Planning has begun", "Baseline data being collected; first changes being planned."),
    ("2.0", "Activity, but no changes", "Team meeting, measuring and discussing; nothing tested."),
    ("2.5", "Changes tested, no improvement", "PDSA cycles under way; measures not yet moving."),
    ("3.0", "Modest improvement", "Tests done, some changes in use; process measures moving."),
    ("3.5", "Improvement", "Outcome measures improving; about half of the aim achieved."),
    ("4.0", "Significant improvement", "Most changes in use; outcome measures clearly better."),
    ("4.5", "Sustainable improvement", "Improvement held over time; most of the aim achieved."),
    ("5.0", "Outstanding sustainable results", "Aim achieved and held; spread under way."),
]
MEANINGS = {Decimal(score): (name, detail) for score, name, detail in IHI_SCALE}


def meaning(score) -> str:
    name, _ = MEANINGS.get(Decimal(str(score)), ("", ""))
    return name
