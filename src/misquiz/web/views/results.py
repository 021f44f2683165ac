"""The results page: the core's advice plan with this participant's progress, and its downloads."""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from misquiz.core.advice import AdvicePlan
from misquiz.core.text import one_line
from misquiz.render.report import ascii_file_name, render_report, report_file_name
from misquiz.storage.recording import session_plan
from misquiz.web.pages import participant_of, render, see_other, workshop_of
from misquiz.web.views.commitments import commit_context
from misquiz.web.views.room_beside import beside_context
from misquiz.web.views.welcome import where
from misquiz.web.workshop import Participant

DOWNLOADS = {
    "plan.md": ("md", "text/markdown"),
    "report.html": ("html", "text/html"),
}
CALENDAR = "check-back.ics"


async def finished_participant(request: web.Request) -> tuple[str, Participant]:
    token, participant = await participant_of(request)
    if participant is None or token is None:
        raise see_other("/")
    if not participant.session.finished:
        raise see_other(where(participant))
    return token, participant


async def show(request: web.Request) -> web.StreamResponse:
    token, participant = await finished_participant(request)
    kept = request.query.get("kept") == "1"
    return await results_page(
        request, token, participant, await commit_context(workshop_of(request), participant.session, kept=kept)
    )


async def results_page(
    request: web.Request, token: str, participant: Participant, commit: dict[str, object], status: int = 200
) -> web.Response:
    workshop = workshop_of(request)
    session = participant.session
    plan: AdvicePlan = await workshop.run(session_plan, workshop.store, session, workshop.store.clock)
    myths = workshop.bank.myths_by_id
    context = {
        "plan": plan,
        "explanations": {row.id: one_line(myths[row.id].explanation[plan.lang]) for row in plan.rows},
        "advice": {item.id: item for section in plan.sections for item in section.items},
        **(await beside_context(workshop, token, participant)),
        **commit,
    }
    return render(request, "results.html", session.lang, context, token=token, status=status)


async def download(request: web.Request) -> web.StreamResponse:
    if request.match_info["file"] == CALENDAR:
        return await calendar(request)
    kind = DOWNLOADS.get(request.match_info["file"])
    if kind is None:
        raise web.HTTPNotFound
    _, participant = await finished_participant(request)
    workshop = workshop_of(request)
    session = participant.session
    plan = await workshop.run(session_plan, workshop.store, session, workshop.store.clock)
    text = render_report(kind[0], plan)
    filename = report_file_name(plan, kind[0])  # the name the quiz gives it too
    disposition = f"attachment; filename=\"{ascii_file_name(filename)}\"; filename*=UTF-8''{quote(filename, safe='')}"
    return web.Response(
        text=text,
        content_type=kind[1],
        charset="utf-8",
        headers={
            "Content-Disposition": disposition,
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        },
    )


async def calendar(request: web.Request) -> web.StreamResponse:
    """The check-back as a calendar file: the commitments, and the workshop's address to take the quiz again."""
    from misquiz.render.calendar import calendar_file, calendar_file_name

    _, participant = await finished_participant(request)
    workshop = workshop_of(request)
    plan = await workshop.run(session_plan, workshop.store, participant.session, workshop.store.clock)
    address = workshop.config.public_url or await workshop.run(workshop.store.join_address, workshop.config.workshop)
    filename = calendar_file_name(plan)
    disposition = f"attachment; filename=\"{ascii_file_name(filename)}\"; filename*=UTF-8''{quote(filename, safe='')}"
    return web.Response(
        body=calendar_file(plan, address),
        content_type="text/calendar",
        charset="utf-8",
        headers={"Content-Disposition": disposition},
    )
