"""The demo trust's improvement work (DESIGN §7): projects, driver diagrams, change ideas in
every status, PDSA cycles in every stage, progress scores over time, open and resolved reviews.

Registered with teams.extensions, so `manage.py seed_demo` runs it after the structure. Every row
is found by its natural key before it is created (dates are not part of any key, because they are
counted back from the day of the first seeding), so seeding again changes nothing.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cycles.models import ChangeIdea, Driver, PDSACycle, ProgressScore, Project, Review
from teams.demo import STRUCTURE
from teams.models import Team, User

TEAM_NAMES = {slug: name for rows in STRUCTURE.values() for slug, name, *_ in rows}
STAGES = ["plan", "do", "study", "act", "closed"]


def C(stage, objective, predictions, happened="", learning="", decision="", next_steps=""):  # noqa: N802
    """One demo cycle, filled as far as its stage."""
    return {
        "stage": stage,
        "objective": objective,
        "predictions": predictions,
        "what_happened": happened,
        "learning": learning,
        "decision": decision,
        "next_steps": next_steps,
    }


PROJECTS = [
    {
        "team": "willow",
        "title": "Fewer violent incidents on Willow Ward",
        "problem": "Violent and aggressive incidents involving staff average 14 a month, most "
        "between 4pm and 10pm. Staff sickness after assaults is rising and patients describe the "
        "ward as tense in the evenings.",
        "aim_what": "Violent incidents involving staff on Willow Ward",
        "aim_how_much": "a 35% reduction, from 14 to 9 a month",
        "weeks": 40,
        "months_to_aim": 12,
        "involvement": "Two former patients sit on the project group; the calm-down boxes were "
        "designed at a community meeting and patients chose what went in them.",
        "drivers": [
            ("Early recognition of rising distress", ["Shared picture of risk at handover"]),
            ("A calm ward with things to do", ["Evening and weekend activity"]),
            ("Staff confidence in de-escalation", []),
        ],
        "ideas": [
            {
                "title": "Safety huddle at every shift change",
                "driver": "Shared picture of risk at handover",
                "status": "adopted",
                "description": "Five minutes, standing, at the nurses' station: who is unsettled, "
                "what helps them, who checks in with whom.",
                "cycles": [
                    C(
                        "closed",
                        "Try a 5-minute huddle at the late shift handover for one week.",
                        "Staff will know which patients are unsettled before the evening.",
                        "Huddles held on 6 of 7 days; took 4 to 7 minutes.",
                        "Staff felt prepared; two incidents were avoided by early 1:1 time.",
                        "adapt",
                        "Add the night shift and a printed prompt card.",
                    ),
                    C(
                        "closed",
                        "Huddle at all three handovers with a prompt card, for two weeks.",
                        "Huddles will happen on at least 90% of shifts.",
                        "Held on 39 of 42 shifts. Bank staff joined easily with the card.",
                        "Huddles are routine; evening incidents fell from 9 to 5 in a fortnight.",
                        "adopt",
                        "Write into the ward's handover standard.",
                    ),
                ],
            },
            {
                "title": "Calm-down boxes co-designed with patients",
                "driver": "Early recognition of rising distress",
                "status": "adapted",
                "description": "Sensory boxes (weighted blanket, fidget items, music) chosen by "
                "patients at a community meeting.",
                "cycles": [
                    C(
                        "closed",
                        "Offer a calm-down box to two patients who often become distressed.",
                        "Both will use it at least once and say it helped.",
                        "One patient used it daily; the other found the box childish.",
                        "Choice matters: one box does not suit everyone.",
                        "adapt",
                        "Let each patient build their own box with an OT.",
                    ),
                    C(
                        "study",
                        "Personal boxes built with the OT for four patients.",
                        "Three of four will use their box when distressed.",
                        "All four built boxes; three used them in the first week.",
                        "Boxes help most when offered early, before distress peaks.",
                    ),
                ],
            },
            {
                "title": "Mutual help meeting each morning",
                "driver": "A calm ward with things to do",
                "status": "testing",
                "cycles": [
                    C(
                        "do",
                        "Run a 15-minute Safewards mutual help meeting on weekday mornings.",
                        "At least 6 patients will come and one offer of help is made each day.",
                        "First three meetings: 5, 8 and 7 patients came.",
                    ),
                ],
            },
            {
                "title": "Positive words at handover",
                "driver": "Staff confidence in de-escalation",
                "status": "abandoned",
                "cycles": [
                    C(
                        "closed",
                        "Each handover names one positive thing about every patient.",
                        "Staff will describe patients more warmly on the next shift.",
                        "Handovers took 15 minutes longer; staff skipped it when busy.",
                        "Too long for our handover; the huddle already covers what matters.",
                        "abandon",
                        "Fold the idea into the huddle prompt card instead.",
                    ),
                ],
            },
            {
                "title": "Evening activity timetable",
                "driver": "Evening and weekend activity",
                "status": "testing",
                "cycles": [
                    C(
                        "plan",
                        "Pilot a 6pm to 8pm activity on Tuesdays and Thursdays for a fortnight.",
                        "Incidents between 6pm and 10pm will fall on activity evenings.",
                    ),
                ],
            },
        ],
        "scores": [
            (38, "1.0", "team", "Team formed, aim agreed with patients."),
            (30, "2.0", "team", "Baseline data collected; first ideas chosen."),
            (20, "2.5", "coach", "Cycles under way; no change in incidents yet."),
            (10, "3.0", "team", "Huddles adopted; evening incidents falling."),
            (2, "3.5", "coach", "Incidents down for six weeks running."),
        ],
        "reviews": [
            (
                "Safety huddle at every shift change",
                2,
                "Great ramp from one shift to three. "
                "Plot the monthly incidents with the huddle start marked so the board can see it.",
                True,
            ),
            (
                "Calm-down boxes co-designed with patients",
                2,
                "What will you measure to know the "
                "boxes help? Consider counting PRN use on the days a box was used.",
                False,
            ),
            (
                None,
                None,
                "The aim's deadline is close; agree what 'sustained' will mean for you.",
                False,
            ),
        ],
    },
    {
        "team": "north-cmht",
        "title": "Cutting first-appointment non-attendance",
        "problem": "About 18% of people miss their first appointment with the team; each missed "
        "slot costs a clinician an hour and the person waits weeks more to be seen.",
        "aim_what": "First-appointment non-attendance (DNA) in the North CMHT",
        "aim_how_much": "from 18% to 10%",
        "weeks": 30,
        "months_to_aim": 9,
        "involvement": "Service users from the Recovery College reviewed the appointment letter "
        "and rewrote it in plain English.",
        "drivers": [
            (
                "People know about and can make their appointment",
                ["Reminders that reach people", "Appointment times that suit people"],
            ),
            ("People feel it is worth coming", ["A welcoming first contact"]),
        ],
        "ideas": [
            {
                "title": "Text reminder 48 hours before the first appointment",
                "driver": "Reminders that reach people",
                "status": "spread",
                "description": "An SMS with the time, place, clinician's name and a number to "
                "rearrange.",
                "cycles": [
                    C(
                        "closed",
                        "Send reminders by hand for one clinician's new referrals for two weeks.",
                        "Non-attendance for those appointments will halve.",
                        "11 reminders sent; 1 person did not attend (usually 2 or 3).",
                        "Reminders work and two people rang to rearrange instead of missing.",
                        "adopt",
                        "Automate through the patient record system.",
                    ),
                ],
            },
            {
                "title": "Phone call from the clinician before the first appointment",
                "driver": "A welcoming first contact",
                "status": "testing",
                "cycles": [
                    C(
                        "act",
                        "Clinicians phone new referrals the week before for two weeks.",
                        "People called will attend more often than people texted only.",
                        "Reached 14 of 20 people; calls took about 8 minutes.",
                        "Slightly better attendance, but calls cost more than the missed slots.",
                        "adapt",
                        "Call only people with a previous missed appointment.",
                    ),
                ],
            },
            {
                "title": "Choice of appointment time at booking",
                "driver": "Appointment times that suit people",
                "status": "testing",
                "cycles": [
                    C(
                        "plan",
                        "Offer three slots, including one after 5pm, when booking by phone.",
                        "Fewer people will rearrange or miss the appointment.",
                    ),
                ],
            },
        ],
        "scores": [
            (28, "1.5", "team", "Baseline: 18% over the last six months."),
            (16, "2.5", "team", "First cycles run."),
            (6, "3.0", "coach", "Reminders adopted; DNA rate 13% last month."),
        ],
        "reviews": [
            (
                "Phone call from the clinician before the first appointment",
                1,
                "Good call to adapt rather than adopt. Could admin staff make the calls?",
                False,
            ),
            (None, None, "Please share the reminder wording in the learning library.", True),
        ],
    },
    {
        "team": "cedar",
        "title": "Reducing length of stay on Cedar Ward",
        "problem": "Mean length of stay is 38 days; delays are mostly waiting for decisions and "
        "for community support to be arranged.",
        "aim_what": "Mean length of stay on Cedar Ward",
        "aim_how_much": "from 38 to 30 days",
        "weeks": 26,
        "months_to_aim": 12,
        "involvement": "Carers' forum asked for earlier discharge conversations; a carer joined "
        "the project group.",
        "drivers": [
            ("Clear plan from admission", ["An expected discharge date for everyone"]),
            ("No waiting for decisions", ["Daily review of what each patient waits for"]),
        ],
        "ideas": [
            {
                "title": "Expected discharge date within 72 hours of admission",
                "driver": "An expected discharge date for everyone",
                "status": "adopted",
                "cycles": [
                    C(
                        "closed",
                        "Set an expected date at the first ward round for new admissions "
                        "this week.",
                        "Most patients will have a date within 72 hours.",
                        "7 of 9 patients had a date within 72 hours.",
                        "Patients and carers liked knowing; doctors needed a prompt.",
                        "adopt",
                        "Add to the ward round template.",
                    ),
                ],
            },
            {
                "title": "Daily red-to-green board round",
                "driver": "Daily review of what each patient waits for",
                "status": "testing",
                "cycles": [
                    C(
                        "do",
                        "Ten-minute board round each weekday: is today a red or a green day?",
                        "We will find at least two delays a day we can fix the same day.",
                        "Five board rounds held; 11 delays found, 6 fixed the same day.",
                    ),
                ],
            },
            {
                "title": "Weekly call with the community team",
                "driver": "No waiting for decisions",
                "status": "abandoned",
                "cycles": [
                    C(
                        "closed",
                        "A weekly call with the CMHT about patients nearing discharge.",
                        "Community follow-up will be arranged before discharge.",
                        "Calls cancelled three weeks out of four.",
                        "A fixed weekly call does not fit; the board round works better.",
                        "abandon",
                        "Invite the CMHT to the board round on Fridays.",
                    ),
                ],
            },
        ],
        "scores": [
            (24, "1.0", "team", "Team formed."),
            (12, "2.0", "coach", "Data collected; first tests."),
            (3, "2.5", "team", "Changes tested; length of stay not yet moving."),
        ],
        "reviews": [
            (
                "Daily red-to-green board round",
                1,
                "Record the reasons for red days: they are your next change ideas.",
                False,
            ),
        ],
    },
    {
        "team": "crisis",
        "title": "Seeing people within four hours of referral",
        "problem": "Only 62% of urgent referrals are seen within four hours.",
        "aim_what": "Urgent referrals seen within four hours",
        "aim_how_much": "from 62% to 85%",
        "weeks": 12,
        "months_to_aim": 6,
        "involvement": "",
        "drivers": [("Quick triage of every referral", [])],
        "ideas": [
            {
                "title": "Duty worker triages each referral within 30 minutes",
                "driver": "Quick triage of every referral",
                "status": "testing",
                "cycles": [
                    C(
                        "study",
                        "A named duty worker triages every referral on day shifts for a week.",
                        "Time to triage will drop below 30 minutes.",
                        "Median time to triage was 22 minutes; two referrals waited over an hour.",
                        "A named duty worker works; the gaps are at shift change.",
                    ),
                ],
            },
        ],
        "scores": [(10, "1.5", "team", "Planning under way.")],
        "reviews": [],
    },
]

# South CMHT took up North's text reminders from the learning library.
SPREAD = {
    "team": "south-cmht",
    "title": "Fewer missed first appointments in the South CMHT",
    "problem": "One in six first appointments is missed.",
    "aim_what": "First-appointment non-attendance in the South CMHT",
    "aim_how_much": "from 16% to 10%",
    "weeks": 8,
    "months_to_aim": 9,
    "source": ("north-cmht", "Text reminder 48 hours before the first appointment"),
    "cycle": C(
        "plan",
        "Use North's reminder wording for our new referrals for two weeks.",
        "Non-attendance will fall as it did in the North team.",
    ),
}


def _key_user(username):
    return User.objects.filter(username=username).first()


def _team(organisation, slug):
    return Team.objects.get(organisation=organisation, name=TEAM_NAMES[slug])


def _count(report, created):
    if report is not None:
        report.created += int(created)


def _project(organisation, spec, today, report):
    team = _team(organisation, spec["team"])
    start = today - timedelta(weeks=spec["weeks"])
    project, created = Project.objects.get_or_create(
        team=team,
        title=spec["title"],
        defaults={
            "organisation": organisation,
            "problem": spec["problem"],
            "aim_what": spec["aim_what"],
            "aim_how_much": spec["aim_how_much"],
            "aim_by_when": start + timedelta(days=30 * spec["months_to_aim"]),
            "start_date": start,
            "service_user_involvement": spec.get("involvement", ""),
            "created_by": _key_user(f"lead.{spec['team']}"),
        },
    )
    _count(report, created)
    return project


def _cycle(idea, number, spec, parent, started, author, report):
    stage = spec["stage"]
    reached = STAGES.index(stage)
    fields = {
        "project_id": idea.project_id,
        "parent": parent,
        "stage": stage,
        "objective": spec["objective"],
        "predictions": spec["predictions"],
        "plan_who": "Nurse in charge and the project group",
        "plan_when": f"From {started:%d %B %Y}",
        "data_collection": "A tally sheet at the nurses' station, reviewed at the huddle.",
        "author": author,
    }
    if reached >= STAGES.index("do"):
        fields |= {
            "do_started_on": started,
            "do_ended_on": started + timedelta(days=6),
            "what_happened": spec["what_happened"],
        }
    if reached >= STAGES.index("study"):
        fields |= {"results": spec["what_happened"], "learning": spec["learning"]}
    if reached >= STAGES.index("act"):
        fields |= {"decision": spec["decision"], "next_steps": spec["next_steps"]}
    if stage == "closed":
        fields["closed_at"] = _at(started + timedelta(days=13))
    cycle, created = PDSACycle.objects.get_or_create(
        change_idea=idea, number=number, defaults=fields
    )
    if created:
        # Dated by the story, so the dashboards' activity by month is the story's: planned a
        # few days before the test; a closed cycle was last touched when it closed.
        dates = {"created_at": _at(started - timedelta(days=3))}
        if stage == "closed":
            dates["updated_at"] = fields["closed_at"]
        PDSACycle.objects.filter(pk=cycle.pk).update(**dates)
    _count(report, created)
    return cycle


def _at(day):
    """Noon on the day, in the trust's time zone."""
    return timezone.make_aware(datetime.combine(day, time(12)))


def _date_status(idea):
    """An idea's status changed when its last closed cycle closed (its Act decision)."""
    closed = idea.cycles.filter(stage="closed").order_by("-closed_at").first()
    if idea.status != ChangeIdea.Status.TESTING and closed is not None:
        ChangeIdea.objects.filter(pk=idea.pk).update(status_changed_at=closed.closed_at)


def _ideas(project, spec, today, report):
    author = _key_user(f"member.{spec['team']}")
    drivers = {}
    for position, (primary_text, secondaries) in enumerate(spec["drivers"], start=1):
        primary, created = Driver.objects.get_or_create(
            project=project, parent=None, text=primary_text, defaults={"position": position}
        )
        _count(report, created)
        drivers[primary_text] = primary
        for sub_position, text in enumerate(secondaries, start=1):
            secondary, created = Driver.objects.get_or_create(
                project=project, parent=primary, text=text, defaults={"position": sub_position}
            )
            _count(report, created)
            drivers[text] = secondary
    ideas = {}
    for index, idea_spec in enumerate(spec["ideas"]):
        idea, created = ChangeIdea.objects.get_or_create(
            project=project,
            title=idea_spec["title"],
            defaults={
                "driver": drivers.get(idea_spec["driver"]),
                "status": idea_spec["status"],
                "description": idea_spec.get("description", ""),
                "created_by": author,
            },
        )
        _count(report, created)
        ideas[idea.title] = idea
        parent = None
        weeks_ago = spec["weeks"] - 4 - 2 * index
        for number, cycle_spec in enumerate(idea_spec["cycles"], start=1):
            started = today - timedelta(weeks=max(weeks_ago - 3 * (number - 1), 1))
            parent = _cycle(idea, number, cycle_spec, parent, started, author, report)
        if created:
            _date_status(idea)
    return ideas


def _scores(project, spec, today, coach, report):
    lead = _key_user(f"lead.{spec['team']}")
    for weeks_ago, score, scored_by, note in spec["scores"]:
        _, created = ProgressScore.objects.get_or_create(
            project=project,
            note=note,
            defaults={
                "score": Decimal(score),
                "scored_by": scored_by,
                "scored_on": today - timedelta(weeks=weeks_ago),
                "author": coach if scored_by == "coach" else lead,
            },
        )
        _count(report, created)


def _reviews(project, spec, ideas, coach, report):
    lead = _key_user(f"lead.{spec['team']}")
    for idea_title, cycle_number, text, resolved in spec["reviews"]:
        cycle = None
        if idea_title:
            cycle = PDSACycle.objects.get(change_idea=ideas[idea_title], number=cycle_number)
        _, created = Review.objects.get_or_create(
            project=project,
            text=text,
            defaults={
                "cycle": cycle,
                "author": coach,
                "resolved_at": timezone.now() if resolved else None,
                "resolved_by": lead if resolved else None,
            },
        )
        _count(report, created)


def _coach_of(team):
    assignment = team.coach_assignments.select_related("coach").order_by("pk").first()
    return assignment.coach if assignment else None


@transaction.atomic
def seed_projects(organisation, report=None):
    """Add the demo projects to the demo organisation (built by teams.demo.seed_structure)."""
    today = timezone.localdate()
    all_ideas = {}
    for spec in PROJECTS:
        project = _project(organisation, spec, today, report)
        coach = _coach_of(project.team)
        ideas = _ideas(project, spec, today, report)
        all_ideas[spec["team"]] = ideas
        _scores(project, spec, today, coach, report)
        _reviews(project, spec, ideas, coach, report)

    spread = _project(organisation, SPREAD, today, report)
    source_team, source_title = SPREAD["source"]
    source = all_ideas[source_team][source_title]
    idea, created = ChangeIdea.objects.get_or_create(
        project=spread,
        title=source.title,
        defaults={
            "description": source.description,
            "spread_from": source,
            "created_by": _key_user(f"member.{SPREAD['team']}"),
        },
    )
    _count(report, created)
    if created:  # the source idea spread when the South team took it up
        ChangeIdea.objects.filter(pk=source.pk).update(status_changed_at=_at(spread.start_date))
    _cycle(idea, 1, SPREAD["cycle"], None, today, _key_user(f"member.{SPREAD['team']}"), report)
