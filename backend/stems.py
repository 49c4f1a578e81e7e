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


# Words that name a kind of place; followed by a name they make a place («میدان شهدا»).
PLACE_HEADS = frozenset(
    _split(
        "خیابان بلوار میدان محله شهرک کوچه کوی بزرگراه جاده تقاطع چهارراه منطقه روستای "
        "بیمارستان درمانگاه مدرسه دبستان دبیرستان دانشگاه فرهنگسرا بازار پارک بوستان مسجد"
    )
)
# Heads of streets and areas, which are often named after another place («بلوار دانشگاه»).
STREET_HEADS = frozenset(_split("خیابان بلوار میدان کوچه کوی بزرگراه جاده محله شهرک"))
# Titles that begin a two-word name («امام خمینی», «شهید بهشتی»).
NAME_STARTS = frozenset(_split("امام شهید آیت الله حضرت سردار دکتر استاد علامه شیخ سید"))


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
    if word.isdigit():
        return word
    if len(word) < 2 or word in STOP_WORDS or word in DETACHED_AFFIXES:
        return ""
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
    # The last word of a title still being typed: a stored stem that begins with it counts.
    prefix: bool = False
    # A named place («بلوار امام خمینی», «شهرک فرهنگیان»): it says where, not what.
    place: bool = False

    def found_in(self, stems_held: set[str] | frozenset[str]) -> bool:
        if self.prefix:
            start = self.alternatives[0][0]
            return any(s.startswith(start) for s in stems_held)
        return any(all(s in stems_held for s in a) for a in self.alternatives)


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

    def _phrase_at(self, parts: list[tuple[str, str]], i: int, joined: dict[str, str]):
        """A lexicon phrase (longest first) or a compound written apart starting at `i`."""
        for n in range(min(self.longest, len(parts) - i), 1, -1):
            group = self.group_of(tuple(s for _, s in parts[i : i + n]))
            if group is not None:
                return Concept(" ".join(w for w, _ in parts[i : i + n]), group)
        if i + 1 < len(parts):
            both = f"{parts[i][0]} {parts[i + 1][0]}"
            if both in joined:
                pair = (parts[i][1], parts[i + 1][1])
                whole = (joined[both],)
                group = self.group_of(whole) or self.group_of(pair)
                return Concept(both, group if group is not None else (pair, whole))
        return None

    def concepts(self, text: str, *, typing: bool = False) -> list[Concept]:
        """What `text` speaks of, phrase by phrase: a named place, a lexicon phrase
        (longest first), a compound written apart, or a single stem. With `typing`, a last
        word that is not followed by a space may be unfinished and matches as a prefix."""
        if typing and text and not text[-1].isspace():
            *rest, last = words(text) or [""]
            if len(last) >= MIN_STEM and not last.isdigit():
                before = self.concepts(" ".join(rest))
                prefix = Concept(last, ((last,),), prefix=True)
                if prefix.alternatives in (c.alternatives for c in before):
                    return before
                return [*before, prefix]
        pairs = stem_pairs(text)
        parts = [(w, s) for w, s in pairs if " " not in w]
        joined = {w: s for w, s in pairs if " " in w}
        places = _place_spans(text)
        found: list[Concept] = []
        i = 0
        while i < len(parts):
            span = places.get(i)
            if span:
                window = parts[i : i + span]
                concept = Concept(
                    " ".join(w for w, _ in window), (tuple(s for _, s in window),), place=True
                )
            else:
                concept = self._phrase_at(parts, i, joined)
            if concept is None:
                word, single = parts[i]
                concept = Concept(word, self.group_of((single,)) or ((single,),))
            found.append(concept)
            i += len(concept.words.split())
        # The same thing said twice counts once.
        unique: dict[tuple[Alternative, ...], Concept] = {}
        for concept in found:
            unique.setdefault(concept.alternatives, concept)
        return list(unique.values())


@lru_cache(maxsize=1)
def place_head_stems() -> frozenset[str]:
    return frozenset(stem(w) for w in PLACE_HEADS)


def place_stems(text: str) -> list[Alternative]:
    """The named places of `text`, each as the stems it is made of."""
    parts = [s for w, s in stem_pairs(text) if " " not in w]
    return [tuple(parts[i : i + n]) for i, n in _place_spans(text).items()]


def _name_after(seq: list[tuple[str, str | None]], k: int) -> tuple[list[str], int]:
    """The name words after the place head at `k`, and where the scan stopped."""
    head = seq[k][0]
    names: list[str] = []
    j = k + 1
    while j < len(seq) and len(names) < 2:
        word, found = seq[j]
        if found is None:  # a function word ends a name
            break
        if found in place_head_stems():
            # «بلوار دانشگاه» is a street named after a place; «مدرسه‌ی خیابان …» is not.
            if not names and head in STREET_HEADS:
                names.append(word)
                j += 1
            break
        if found:
            if names and not (names[0] in NAME_STARTS or word.isdigit()):
                break
            names.append(word)
        j += 1
    return names, j


def _place_spans(text: str) -> dict[int, int]:
    """Named places in `text`, as {index of the head among the stemmed words: how many
    stemmed words the place takes}. A head word followed (past detached affixes, before any
    function word) by one name word, or two when the first opens a name («شهید بهشتی») or
    the second is a number («منطقه‌ی ۲»)."""
    # Each word: its stem ('' for a detached affix), or None for a function word.
    seq: list[tuple[str, str | None]] = []
    positions = []  # each word's position among the stemmed words
    index = -1
    for word in words(text):
        found = "" if word in DETACHED_AFFIXES else (stem(word) or None)
        if found:
            index += 1
        seq.append((word, found))
        positions.append(index)
    spans: dict[int, int] = {}
    k = 0
    while k < len(seq):
        found = seq[k][1]
        if found and found in place_head_stems():
            names, stop = _name_after(seq, k)
            if names:
                spans[positions[k]] = 1 + len(names)
                k = stop
                continue
        k += 1
    return spans
