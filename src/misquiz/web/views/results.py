"""The results page: the core's advice plan with this participant's progress, and its downloads."""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from misquiz.core.advice import AdvicePlan
from misquiz.core.text import one_line
from misquiz.render.report import ascii_file_name, render_report, report_file_name
from misquiz.storage.recording import session_plan
from misquiz.web.pages import participant_of, render, see_other, workshop_of
from misquiz.web.views.room_beside import beside_context
from misquiz.web.views.welcome import where
from misquiz.web.workshop import Participant

DOWNLOADS = {
    "plan.md": ("md", "text/markdown"),
    "report.html": ("html", "text/html"),
}


async def finished_participant(request: web.Request) -> tuple[str, Participant]:
    token, participant = await participant_of(request)
    if participant is None or token is None:
        raise see_other("/")
    if not participant.session.finished:
        raise see_other(where(participant))
    return token, participant


async def show(request: web.Request) -> web.StreamResponse:
    token, participant = await finished_participant(request)
    workshop = workshop_of(request)
    session = participant.session
    plan: AdvicePlan = session_plan(workshop.store, session, workshop.store.clock)
    myths = workshop.bank.myths_by_id
    context = {
        "plan": plan,
        "explanations": {row.id: one_line(myths[row.id].explanation[plan.lang]) for row in plan.rows},
        "advice": {item.id: item for section in plan.sections for item in section.items},
        **beside_context(workshop, token, participant),
    }
    return render(request, "results.html", session.lang, context, token=token)


async def download(request: web.Request) -> web.StreamResponse:
    kind = DOWNLOADS.get(request.match_info["file"])
    if kind is None:
        raise web.HTTPNotFound
    _, participant = await finished_participant(request)
    workshop = workshop_of(request)
    session = participant.session
    plan = session_plan(workshop.store, session, workshop.store.clock)
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
