"""The results page: the core's advice plan with this participant's progress, and its downloads."""

from __future__ import annotations

from aiohttp import web

from misquiz.core.advice import AdvicePlan, advice_plan
from misquiz.render.report import plan_for_report, render_report
from misquiz.storage.recording import progress_of
from misquiz.web.pages import participant_of, render, see_other, workshop_of
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


def taken_at(request: web.Request, participant: Participant) -> str:
    workshop = workshop_of(request)
    stored = workshop.store.attempt(participant.session.attempt_id or 0)
    if stored is not None and stored.finished_at:
        return stored.finished_at
    return workshop.store.clock().isoformat(timespec="seconds")


async def show(request: web.Request) -> web.StreamResponse:
    token, participant = await finished_participant(request)
    workshop = workshop_of(request)
    session = participant.session
    progress = progress_of(workshop.store, session)
    plan: AdvicePlan = advice_plan(workshop.bank, session.result(), session.lang, name=session.name, progress=progress)
    myths = workshop.bank.myths_by_id
    context = {
        "plan": plan,
        "explanations": {row.id: " ".join(myths[row.id].explanation[plan.lang].split()) for row in plan.rows},
        "advice": {item.id: item for section in plan.sections for item in section.items},
    }
    return render(request, "results.html", session.lang, context, token=token)


async def download(request: web.Request) -> web.StreamResponse:
    kind = DOWNLOADS.get(request.match_info["file"])
    if kind is None:
        raise web.HTTPNotFound
    _, participant = await finished_participant(request)
    workshop = workshop_of(request)
    session = participant.session
    when = taken_at(request, participant)
    plan = plan_for_report(
        workshop.bank, session.answers, session.lang, session.name, when, progress_of(workshop.store, session)
    )
    text = render_report(kind[0], plan, session.name, when)
    filename = f"misquiz-{when[:10]}.{kind[0]}"
    return web.Response(
        text=text,
        content_type=kind[1],
        charset="utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        },
    )
