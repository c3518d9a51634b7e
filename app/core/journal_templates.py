"""Journal templates: the reflective frameworks people use, as plain data.

Written in this project's own words from the summaries in the project's reference notes
(leadership review, Rolfe, Gibbs, NMC reflective account). A template only shapes a new
entry's body; nothing else depends on its wording, so prompts can change freely.
"""

from __future__ import annotations

from dataclasses import dataclass

NO_IDENTIFIERS = (
    "Keep it anonymous: write nothing that could identify a patient, a colleague or anyone "
    "else. Record what you learned, not the case details."
)


@dataclass(frozen=True, slots=True)
class Section:
    """One heading of a template and the question it asks."""

    heading: str
    prompt: str


@dataclass(frozen=True, slots=True)
class Template:
    """A named set of sections, rendered into a new entry's Markdown body."""

    id: str
    name: str
    summary: str
    sections: tuple[Section, ...]
    note: str = ""  # shown once at the top of the body, e.g. the no-identifiers reminder
    cadence_days: int | None = None  # how often people usually write one (reminder default)


LEADERSHIP = Template(
    id="leadership",
    name="Leadership review (fortnightly)",
    summary="Look back over the last two weeks as a leader, through the four behaviours of "
    "compassionate leadership.",
    cadence_days=14,
    sections=(
        Section("What happened", "The main events of the last two weeks, in a few lines."),
        Section("What was hard", "What weighed on you or on the team, and why."),
        Section("What went well", "Something that worked, however small, and who made it work."),
        Section(
            "Attending",
            "When did you give someone your full attention and really listen? When did that slip?",
        ),
        Section(
            "Understanding",
            "What did you learn about what is getting in the way for people, "
            "without rushing to judge?",
        ),
        Section(
            "Empathising",
            "Where did you feel with someone in their difficulty, while staying steady "
            "enough to help?",
        ),
        Section(
            "Helping",
            "What did you do, or could you do, to remove an obstacle or get people the "
            "resources they need?",
        ),
        Section("One practical step", "One thing you will do in the next two weeks."),
    ),
)

ROLFE = Template(
    id="rolfe",
    name="What? So what? Now what? (Rolfe)",
    summary="Three questions: describe, make sense, decide what next.",
    note=NO_IDENTIFIERS,
    sections=(
        Section(
            "What?",
            "The situation, your part in it, what you and others did, what followed, "
            "and how you felt.",
        ),
        Section(
            "So what?",
            "What it means: what you based your actions on, what else you know that bears "
            "on it, and what you understand now that you did not before.",
        ),
        Section(
            "Now what?",
            "What you will do next, the wider issues it raises, and what is likely to "
            "follow from each choice.",
        ),
    ),
)

GIBBS = Template(
    id="gibbs",
    name="Reflective cycle (Gibbs)",
    summary="Six stages, from what happened to an action plan.",
    note=NO_IDENTIFIERS,
    sections=(
        Section("Description", "What happened, when, and who was involved (by role only)."),
        Section("Feelings", "What you felt and thought before, during and after."),
        Section("Evaluation", "What went well and what went badly."),
        Section("Analysis", "Why you think it happened that way."),
        Section("Conclusion", "What else you could have done, and what you learned."),
        Section("Action plan", "What you will do next time, and by when."),
    ),
)

NMC = Template(
    id="nmc",
    name="NMC reflective account",
    summary="One of the five reflective accounts for NMC revalidation. Copy it onto the "
    "approved form when you are ready.",
    note=NO_IDENTIFIERS,
    sections=(
        Section("Account number", "Which of your five accounts is this (1 to 5)?"),
        Section(
            "Nature of the CPD activity, feedback or event",
            "What it was: learning you did, feedback you received about your practice, "
            "or something that happened at work. A mix is fine.",
        ),
        Section("What I learned", "What you took from it."),
        Section(
            "How I changed or improved my practice",
            "What you now do differently, or will do, because of it.",
        ),
        Section(
            "How this relates to the Code",
            "Choose one or more themes and say how: Prioritise people; Practise effectively; "
            "Preserve safety; Promote professionalism and trust.",
        ),
    ),
)

AFTER_PRACTICE = Template(
    id="after-practice",
    name="After a practice",
    summary="A few lines after a Me Space, Pause Space or Compassion Circle.",
    sections=(
        Section("Practice", "Which practice, and alone, in a pair or with a group."),
        Section("How it felt", "What you noticed in your body, your mood and your thoughts."),
        Section("One practical step I will take", "Something small and specific."),
    ),
)

TEMPLATES: tuple[Template, ...] = (LEADERSHIP, ROLFE, GIBBS, NMC, AFTER_PRACTICE)


def template_by_id(template_id: str) -> Template:
    """Look up a template; raise KeyError naming the unknown id."""
    for template in TEMPLATES:
        if template.id == template_id:
            return template
    raise KeyError(f"unknown journal template {template_id!r}")


def render_template(template: Template) -> str:
    """Render a new entry body: the note as a quote, then each section as a heading.

    Prompts are in italics so they read as guidance and are easy to overwrite.
    """
    parts: list[str] = []
    if template.note:
        parts.append(f"> {template.note}")
    for section in template.sections:
        parts.append(f"## {section.heading}\n\n_{section.prompt}_\n")
    return "\n\n".join(parts).rstrip("\n") + "\n"
