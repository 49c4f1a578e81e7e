"""Persian word stems for matching problems that say the same thing in other words.

Matching only needs the same stem on both sides, not the dictionary form, so the rules are
few and applied alike to what is stored and to what is typed:

- text is first reduced to its comparison key (`backend.persian.normalise`): Arabic letters,
  digits and joiners are unified, and a zero-width non-joiner becomes a space, so an affix
  written after one («کتاب‌ها», «خانه‌ی», «می‌شود») arrives as a word of its own and is
  dropped here;
- attached suffixes are cut, longest first, at most twice, never leaving fewer than three
  letters: plural ها/های/هایی/ان/ات, possessives on plurals (هایم، هایشان…), comparative
  تر/ترین and the adjectival or indefinite ی; «خیابان‌ها», «خیابانها» and «خیابان» all reach
  the same stem;
- the verb prefixes می/نمی are cut when what follows ends like a verb («میریزد» → «ریزد»),
  which keeps «میدان» and «میوه» whole;
- compounds written apart or together («پیاده رو», «پیاده‌رو», «پیادهرو») also give the
  joined form's stem, when the second part is a common compound tail (رو، راه، گاه، انداز…);
- function words, auxiliaries and light verbs (کردن، شدن، داشتن، بودن… in their common
  forms) carry no topic and are left out.

Over-stemming («باران» and «بار» meet) is accepted: candidates are also scored on the
title's trigrams, and a wrong stem costs only a little recall, never a refusal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from backend.persian import normalise

MIN_STEM = 3


def _split(text: str) -> list[str]:
    return text.split()


# Affixes that arrive as words of their own after a non-joiner became a space.
DETACHED_AFFIXES = frozenset(
    _split(
        "ها های هایی هایم هایت هایش هایمان هایتان هایشان ی ای ایی یی تر ترین ام ات اش مان تان "
        "شان می نمی"
    )
)

# Longest first, so «های» is tried before «ها» and «ی».
SUFFIXES = tuple(
    sorted(
        _split("هایمان هایتان هایشان هایم هایت هایش هایی های ها ترین تر ان ات ی"),
        key=len,
        reverse=True,
    )
)
VERB_PREFIXES = ("نمی", "می")
VERB_ENDINGS = ("ند", "یم", "ید", "د", "م", "ی")

STOP_WORDS = frozenset(
    _split(
        # connectives, prepositions, pronouns, determiners
        "و یا اما ولی که تا اگر چون چه چرا چطور کجا کی هم نیز را با بی به بر از در برای روی "
        "زیر کنار پشت جلوی بین میان درون بیرون سوی طرف پیش پس بعد قبل مثل مانند همین همان "
        "این آن اینجا آنجا اینها آنها من تو او ما شما ایشان خود خودم خودش خودمان هر همه "
        "هیچ یک دو سه چند چندین برخی بعضی دیگر دیگری خیلی بسیار بیش کم فقط حتی هنوز دیگه "
        "الان اکنون امروز هنگام وقتی زمانی مدتی ولیکن بلکه یعنی لطفا واقعا اصلا باید نباید "
        "شاید حدود تقریبا نزدیک دارای مورد موارد بابت جهت توسط طی ضمن "
        # auxiliaries and light verbs in their common forms
        "است هست هستند هستیم نیست نیستند بود بودن بوده بودند باشد باشند باشیم نباشد "
        "شد شدن شده شود شوند شوید شدند نشده نشود نمیشود میشود میشوند "
        "کرد کردن کرده کند کنند کنیم کنید کنم کن کردند نکرده نکرد نمیکند میکند میکنند "
        "دارد دارند داریم دارم داشت داشتن داشته ندارد ندارند نداریم نداشته "
        "گرفت گرفته گیرد گیرند زد زده زند زنند داد داده دهد دهند دادن "
        "آمد آمده آید آیند رفت رفته رود روند گشت گشته گردد گردند "
        "ام ای ایم اید اند"
    )
)


# Second parts of compounds that writers join, space or join with a non-joiner.
COMPOUND_TAILS = frozenset(
    _split("رو راه گاه انداز بندان گرفتگی دان خانه سرا گذر بان کاری سازی رسانی روی ریزی")
)


def words(text: str) -> list[str]:
    """The comparison key's words, in order."""
    return normalise(text).split()


def _cut_verb_prefix(word: str) -> str:
    for prefix in VERB_PREFIXES:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= MIN_STEM and rest.endswith(VERB_ENDINGS):
            return rest
    return word


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """The stem of one normalised word ('' when the word carries no topic)."""
    if len(word) < 2 or word in STOP_WORDS or word in DETACHED_AFFIXES:
        return ""
    if word.isdigit():
        return word
    word = _cut_verb_prefix(word)
    for _ in range(2):
        for suffix in SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
                word = word[: -len(suffix)]
                break
        else:
            break
    return "" if word in STOP_WORDS else word


def stem_pairs(text: str) -> list[tuple[str, str]]:
    """(word as normalised, its stem) for every word that has one, in order; a compound
    written apart adds («پیاده رو», its joined stem) after its parts."""
    pairs = []
    previous = ""
    for word in words(text):
        found = stem(word)
        if found:
            pairs.append((word, found))
        if previous and word in COMPOUND_TAILS:
            joined = stem(previous + word)
            if joined:
                pairs.append((f"{previous} {word}", joined))
        previous = word
    return pairs


def stems(text: str) -> list[str]:
    """The distinct stems of `text`, in first-seen order."""
    return list(dict.fromkeys(s for _, s in stem_pairs(text)))


def stem_key(text: str) -> str:
    """The stems as one space-separated string: what is stored for indexing."""
    return " ".join(stems(text))


# Concepts and the synonym lexicon -----------------------------------------------------

Alternative = tuple[str, ...]


@dataclass(frozen=True)
class Concept:
    """One thing the text speaks of: the words as written, and every way of saying it as
    stems; a document speaks of it when it holds all the stems of one alternative."""

    words: str
    alternatives: tuple[Alternative, ...]

    def found_in(self, stems_held: set[str] | frozenset[str]) -> Alternative | None:
        for alternative in self.alternatives:
            if all(s in stems_held for s in alternative):
                return alternative
        return None


def _term_alternatives(term: str) -> list[Alternative]:
    """How a lexicon term can appear in stored stems: its parts, and joined if a compound."""
    pairs = stem_pairs(term)
    parts = tuple(s for w, s in pairs if " " not in w)
    joined = [s for w, s in pairs if " " in w]
    found = [parts] if parts else []
    if len(parts) == 2 and joined:
        found.append((joined[0],))
    return found


class Lexicon:
    """Groups of words that mean the same thing in a citizen's complaint (سایبان / سقف /
    سرپناه). Applied to what is typed: each word or phrase of a group stands for every
    member, so either side's wording finds the other."""

    def __init__(self, groups: Iterable[Iterable[str]] = ()):
        self._groups: list[tuple[Alternative, ...]] = []
        self._member: dict[Alternative, int] = {}
        for terms in groups:
            alternatives: list[Alternative] = []
            for term in terms:
                for alternative in _term_alternatives(term):
                    if alternative and alternative not in alternatives:
                        alternatives.append(alternative)
            if len(alternatives) < 2:
                continue
            index = len(self._groups)
            self._groups.append(tuple(alternatives))
            for alternative in alternatives:
                self._member.setdefault(alternative, index)
        self.longest = max((len(a) for a in self._member), default=1)

    def __len__(self) -> int:
        return len(self._groups)

    def group_of(self, alternative: Alternative) -> tuple[Alternative, ...] | None:
        index = self._member.get(alternative)
        return None if index is None else self._groups[index]

    def concepts(self, text: str) -> list[Concept]:
        """What `text` speaks of, phrase by phrase: a lexicon phrase (longest first), a
        compound written apart, or a single stem."""
        pairs = stem_pairs(text)
        parts = [(w, s) for w, s in pairs if " " not in w]
        joined = {w: s for w, s in pairs if " " in w}
        found: list[Concept] = []
        i = 0
        while i < len(parts):
            concept = None
            for n in range(min(self.longest, len(parts) - i), 1, -1):
                window = tuple(s for _, s in parts[i : i + n])
                group = self.group_of(window)
                if group is not None:
                    concept = Concept(" ".join(w for w, _ in parts[i : i + n]), group)
                    break
            if concept is None and i + 1 < len(parts):
                both = f"{parts[i][0]} {parts[i + 1][0]}"
                if both in joined:
                    pair = (parts[i][1], parts[i + 1][1])
                    whole = (joined[both],)
                    group = self.group_of(whole) or self.group_of(pair)
                    alternatives = group if group is not None else (pair, whole)
                    concept = Concept(both, alternatives)
            if concept is None:
                word, single = parts[i]
                concept = Concept(word, self.group_of((single,)) or ((single,),))
                n = 1
            else:
                n = len(concept.words.split())
            found.append(concept)
            i += n
        # The same thing said twice counts once.
        unique: dict[tuple[Alternative, ...], Concept] = {}
        for concept in found:
            unique.setdefault(concept.alternatives, concept)
        return list(unique.values())
