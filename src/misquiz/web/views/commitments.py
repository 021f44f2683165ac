"""What I will do, on the results page: choose up to three actions of one's own plan, or one line of one's own
(issue 24); the core checks the choice, a refused one is said on the page, and a change of mind replaces it."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from misquiz.core.commitments import MAX_OWN, Commitment, CommitmentError, of_myth, plan_actions
from misquiz.core.quiz import QuizSession
from misquiz.core.text import one_line
from misquiz.storage.recording import commitments_of, save_commitments
from misquiz.web.pages import error_page, redirect, workshop_of
from misquiz.web.workshop import Workshop

MAX_FORM_KEYS = 40  # more checkboxes than any plan has: a form that sends more is not ours


async def commit_context(
    workshop: Workshop,
    session: QuizSession,
    *,
    keys: list[str] | None = None,
    own: str | None = None,
    error: str | None = None,
    kept: bool = False,
) -> dict[str, Any]:
    """The commitments block: the plan's actions to tick, one's own line, and what is chosen (or was sent)."""
    lang = session.lang
    current: tuple[Commitment, ...] = await workshop.run(commitments_of, workshop.store, session.attempt_id)
    chosen = set(keys) if keys is not None else {c.key for c in current}
    if own is None:
        own = next((c.own or "" for c in current if c.myth is None), "")
    myths = session.bank.myths_by_id
    actions = [
        {
            "key": action.key,
            "label": of_myth(
                lang, one_line(myths[action.myth].actions[action.action - 1][lang]), myths[action.myth].title[lang]
            ),
            "checked": action.key in chosen,
        }
        for action in plan_actions(session.bank, session.result())
    ]
    return {
        "commit_actions": actions,
        "commit_own": own,
        "commit_max_own": MAX_OWN,
        "commit_error": error,
        "commit_kept": kept,
    }


async def choose(request: web.Request) -> web.StreamResponse:
    from misquiz.web.views.results import finished_participant, results_page

    workshop = workshop_of(request)
    form = await request.post()
    token, participant = await finished_participant(request)
    if not workshop.csrf_ok(token, form.get("csrf")):
        return error_page(request, 403, "web_stale")
    keys = [k for k in form.getall("action", []) if isinstance(k, str)]
    own = form.get("own", "")
    if len(keys) > MAX_FORM_KEYS or not isinstance(own, str) or len(own) > 4 * MAX_OWN:
        return error_page(request, 400, "web_bad_request")
    try:
        await workshop.run(save_commitments, workshop.store, participant.session, keys, own)
    except CommitmentError as exc:
        context = await commit_context(
            workshop, participant.session, keys=keys, own=own, error=exc.message(participant.session.lang)
        )
        return await results_page(request, token, participant, context, status=400)
    return redirect("/results?kept=1#commitments")
