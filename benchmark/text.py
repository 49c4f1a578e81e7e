"""Realistic Persian titles, bodies and comments composed from benchmark.words.

Everything takes a `random.Random`, so a seed gives the same data set again. About one
text in ten is written the way many phones and older keyboards write it: Arabic ي/ك,
Latin digits, or words joined by a space instead of a ZWNJ.
"""

import random
from html import escape

from backend.persian import to_latin_digits, to_persian_digits
from benchmark import words as w

MIXED_SHARE = 0.1


def mixed(rng: random.Random, text: str, share: float = MIXED_SHARE, kind: int | None = None):
    """Now and then rewrite `text` with another encoding of the same words."""
    if rng.random() >= share:
        return text
    kind = rng.randrange(3) if kind is None else kind
    if kind == 0:
        return text.replace("ی", "ي").replace("ک", "ك")
    if kind == 1:
        return to_latin_digits(text)
    return text.replace("\u200c", " ")


def place(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.55:
        return rng.choice(w.STREETS)
    if roll < 0.75:
        return rng.choice(w.SQUARES)
    return "محله‌ی " + rng.choice(w.NEIGHBOURHOODS)


def _slots(rng: random.Random, axis: int, district: int | None) -> dict:
    hour = rng.randrange(6, 21)
    return {
        "phrase": rng.choice(w.PHRASES[axis]),
        "place": place(rng),
        "landmark": rng.choice(w.LANDMARKS),
        "hood": rng.choice(w.NEIGHBOURHOODS),
        "district": to_persian_digits(district or rng.randrange(1, 9)),
        "years": to_persian_digits(rng.randrange(2, 30)),
        "hour": to_persian_digits(hour),
        "hour2": to_persian_digits(hour + rng.randrange(1, 4)),
        "metres": to_persian_digits(rng.randrange(5, 80) * 10),
        "people": to_persian_digits(rng.randrange(2, 50) * 100),
        "days": to_persian_digits(rng.choice([7, 10, 14, 30, 60])),
        "count": to_persian_digits(rng.randrange(2, 12)),
    }


def problem_text(rng: random.Random, axis: int, district: int | None) -> tuple[str, list[str]]:
    """A title and two or three short paragraphs about the same thing, as a citizen would
    write them; one text in ten in another encoding."""
    slots = _slots(rng, axis, district)
    title = rng.choice(w.TITLE_TEMPLATES).format(**slots)
    first = [rng.choice(w.OPENERS), rng.choice(w.DETAILS)]
    if rng.random() < 0.5:
        first.append(rng.choice(w.DETAILS))
    paragraphs = [" ".join(first), rng.choice(w.IMPACTS) + " " + rng.choice(w.REQUESTS)]
    if rng.random() < 0.3:
        paragraphs.append(rng.choice(w.REQUESTS))
    paragraphs = [p.format(**slots) for p in paragraphs]
    if rng.random() < MIXED_SHARE:  # one writer, one keyboard: the same encoding throughout
        kind = rng.randrange(3)
        title, *paragraphs = (mixed(rng, part, 1, kind) for part in (title, *paragraphs))
    return title[:150], paragraphs


def problem_title(rng: random.Random, axis: int) -> str:
    """A title on its own (what someone types before the similar-problems check)."""
    return problem_text(rng, axis, None)[0]


def as_html(paragraphs: list[str]) -> str:
    """What the sanitiser stores for plain paragraphs."""
    return "".join(f"<p>{escape(p, quote=False)}</p>" for p in paragraphs)


def comment_body(rng: random.Random, stance: str, axis: int, expert: bool) -> str:
    templates = {
        "for": w.COMMENT_FOR,
        "against": w.COMMENT_AGAINST,
        "neutral": w.COMMENT_NEUTRAL,
    }[stance]
    slots = _slots(rng, axis, None)
    text = rng.choice(templates).format(**slots)
    if expert:
        text = rng.choice(w.EXPERT_PREFIXES) + text
    if rng.random() < 0.3:
        text += " " + rng.choice(w.IMPACTS)
    return as_html([mixed(rng, text)])


def search_query(rng: random.Random) -> str:
    """What people type into the problem search box: a place, a topic, or both."""
    where = rng.choice(w.NEIGHBOURHOODS + [s.split(" ", 1)[1] for s in w.STREETS])
    topic = rng.choice(w.TOPIC_WORDS)
    roll = rng.random()
    text = where if roll < 0.4 else f"{topic} {where}" if roll < 0.8 else topic
    return mixed(rng, text)


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(w.FIRST_NAMES)} {rng.choice(w.LAST_NAMES)}"


def strategy_title(rng: random.Random, axis: int) -> str:
    qualifier = rng.choice(
        ["در محله‌های کم‌برخوردار", "با مشارکت شهروندان", "در محورهای پرتردد", "در سراسر شهر"]
    )
    return f"{rng.choice(w.STRATEGY_VERBS)} {w.AXES[axis]} {qualifier}"


def policy_title(rng: random.Random, axis: int) -> str:
    return f"{rng.choice(w.POLICY_VERBS)} {rng.choice(w.PHRASES[axis])}"


def project_title(rng: random.Random, goal: int) -> str:
    target = rng.choice(w.PROJECT_OBJECTS[goal])
    return f"{rng.choice(w.PROJECT_VERBS)} {target} در {place(rng)}"
