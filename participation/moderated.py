"""Problems, proposals and comments as moderation sees them: registered with moderation's
content interface when the app starts (moderation imports nothing of participation)."""

from moderation.content import ContentKind, register
from participation.models import Comment, Problem, Proposal

# A likely duplicate is worth a moderator's note from this similarity up.
DUPLICATE_HINT_SCORE = 0.5


def _problem_hints(problem: Problem) -> dict:
    from participation.similarity import similar_to  # the similarity index loads late

    similar = similar_to(problem)
    if similar and similar[0].score >= DUPLICATE_HINT_SCORE:
        return {
            "similar_problem": {
                "id": similar[0].id,
                "title": similar[0].title,
                "score": similar[0].score,
                "distance_m": similar[0].distance_m,
            }
        }
    return {}


def _comment_extra(comment: Comment) -> dict:
    target = None
    for name in ("plan_item", "problem", "proposal"):
        found = getattr(comment, name)
        if found is not None:
            target = {"type": name, "id": found.pk, "title": found.title}
            break
    return {"stance": comment.stance, "target": target}


def _problem_published(problem: Problem, actor) -> None:
    from participation.services import problem_published_notify  # services load late

    problem_published_notify(problem=problem, actor=actor)


def register_content_kinds() -> None:
    register(
        ContentKind(
            name="problem",
            model=Problem,
            city_id=lambda problem: problem.plan.city_id,
            hints=_problem_hints,
            queue_related=("plan",),
            on_published=_problem_published,
        )
    )
    register(
        ContentKind(
            name="proposal",
            model=Proposal,
            city_id=lambda proposal: proposal.plan.city_id,
            queue_related=("plan",),
        )
    )
    register(
        ContentKind(
            name="comment",
            model=Comment,
            city_id=lambda comment: comment.plan.city_id,
            queue_related=("plan_item", "problem", "proposal"),
            queue_extra=_comment_extra,
        )
    )
