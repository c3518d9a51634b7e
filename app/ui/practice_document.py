"""A practice as rich text: one document for the detail view and the printed guide.

Sizes are relative (em, %), so the text follows the person's chosen text size; colour is
taken from the palette by the widget, never used alone to carry meaning.
"""

from __future__ import annotations

from typing import Final

from app.core.practices import Practice, format_duration

#: What html.escape replaces. Importing the html package loads its table of 2,000 named
#: entities, about 1.5 ms of the window's start-up, for five characters.
_HTML_SPECIALS: Final = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def escape(text: str) -> str:
    """Plain text made safe inside rich text (as html.escape with quote=True)."""
    return text.translate(_HTML_SPECIALS)


def _para(text: str) -> str:
    return "".join(f"<p>{escape(line)}</p>" for line in text.split("\n\n") if line.strip())


def _list(items: tuple[str, ...]) -> str:
    return "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"


def practice_meta(practice: Practice) -> str:
    """'20 min · A group or a team · 4-10 people · 5 steps'."""
    size = practice.group_size
    people = f"{size.min} person" if size.max == 1 else (
        f"{size.min}-{size.max} people" if size.min != size.max else f"{size.max} people"
    )
    return (
        f"{practice.minutes} min · {practice.who_label} · {people} · "
        f"{len(practice.steps)} steps"
    )


def practice_html(practice: Practice, *, guide: bool = False) -> str:
    """The whole practice; `guide` adds a facilitator's timing plan for printing."""
    parts: list[str] = [f"<h1>{escape(practice.title)}</h1>"]
    parts.append(f"<p><b>{escape(practice_meta(practice))}</b></p>")
    parts.append(_para(practice.summary))
    parts.append("<h2>Purpose</h2>" + _para(practice.purpose))
    if practice.before_you_start:
        parts.append("<h2>Before you start</h2>" + _list(practice.before_you_start))
    if practice.roles:
        roles = "".join(
            f"<li><b>{escape(r.name.capitalize())}</b>: {escape(r.duty)}</li>"
            for r in practice.roles
        )
        parts.append(f"<h2>Roles</h2><ul>{roles}</ul>")
    if practice.ground_rules:
        parts.append("<h2>Ground rules</h2>" + _list(practice.ground_rules))
    if guide:
        parts.append(_timing_plan(practice))
    parts.append("<h2>Steps</h2>")
    steps: list[str] = []
    elapsed = 0
    for number, step in enumerate(practice.steps, start=1):
        turn = ""
        if step.speaker_seconds:
            who = "per speaker" if step.kind == "round" else "per person"
            turn = f", {format_duration(step.speaker_seconds)} {who}"
        heading = (
            f"<h3>{number}. {escape(step.title)} "
            f"<span>({escape(step.minutes_label)}, {escape(step.kind.value)}{turn})</span></h3>"
        )
        body = _para(step.prompt)
        if step.facilitator_notes:
            body += f"<p><i>Facilitator note: {escape(step.facilitator_notes)}</i></p>"
        if guide:
            body += (
                f"<p>Starts at {format_duration(elapsed) if elapsed else '0 min'}; "
                f"ends at {format_duration(elapsed + step.seconds)}.</p>"
            )
        elapsed += step.seconds
        steps.append(heading + body)
    parts.append("".join(steps))
    if practice.closing_prompt:
        parts.append(
            "<h2>Closing</h2>"
            "<p>Invite everyone to finish the sentence: "
            f"<i>{escape(practice.closing_prompt)}</i></p>"
        )
    if practice.design_note:
        parts.append("<h2>About this version</h2>" + _para(practice.design_note))
    credit = practice.credit
    credit_html = _para(credit.source)
    if credit.url:
        credit_html += f'<p>Source: <a href="{escape(credit.url)}">{escape(credit.url)}</a></p>'
    if credit.note:
        credit_html += _para(credit.note)
    parts.append("<h2>Credit</h2>" + credit_html)
    return "\n".join(parts)


def _timing_plan(practice: Practice) -> str:
    """A table a facilitator can glance at: clock minute, step, length."""
    rows = ["<tr><th align='left'>From</th><th align='left'>Step</th>"
            "<th align='left'>Length</th></tr>"]
    elapsed = 0
    for number, step in enumerate(practice.steps, start=1):
        rows.append(
            f"<tr><td>{format_duration(elapsed) if elapsed else '0 min'}</td>"
            f"<td>{number}. {escape(step.title)}</td><td>{escape(step.minutes_label)}</td></tr>"
        )
        elapsed += step.seconds
    table = "<table cellpadding='4' cellspacing='0' border='1'>" + "".join(rows) + "</table>"
    return "<h2>Timing plan</h2>" + table
