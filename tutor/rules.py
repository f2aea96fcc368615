"""The game rules: pure functions from the curriculum and the event log to the learner's standing.

Nothing here is stored: XP, levels, node states, streaks and achievements are recomputed from the
events, so a rule change or an imported log always gives a consistent picture.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta, tzinfo
from typing import Any, Callable, Iterable

from tutor.content import Curriculum
from tutor.store import Event, EventKind

CHECK_FIRST_TRY_BONUS = 0.5  # of the check's XP, when the first answer is right
CHALLENGE_FIRST_TRY_BONUS = 0.25  # of the challenge's XP, when the first run passes
NO_HINT_BONUS = 0.25  # of the challenge's XP, when it passes without a hint
HINT_COST = 5  # XP per distinct hint revealed
RANKS = ("Token", "Embedding", "Query", "Attention Head", "Multi-Head", "Residual Stream",
         "Block", "Decoder", "Transformer", "Foundation Model")
LEARNING_KINDS = frozenset({EventKind.CHECK_ANSWERED, EventKind.CELL_RUN, EventKind.HINT_TAKEN,
                            EventKind.STEP_REACHED, EventKind.CAPSTONE_GENERATED})

LOCKED, AVAILABLE, IN_PROGRESS, MASTERED = "locked", "available", "in_progress", "mastered"
NOT_STARTED, COMPLETED = "not_started", "completed"


# -- levels ---------------------------------------------------------------------------------------


def level_floor(level: int) -> int:
    """XP needed to reach `level`: 0, 100, 300, 600, 1000, ... (each level 100 XP longer)."""
    return 50 * level * (level - 1)


def level_of(xp: int) -> int:
    level = 1
    while level_floor(level + 1) <= xp:
        level += 1
    return level


def rank_of(level: int) -> str:
    return RANKS[min(level, len(RANKS)) - 1]


# -- per-item history -------------------------------------------------------------------------


@dataclass
class CheckHistory:
    attempts: int = 0
    first_correct_attempt: int | None = None  # 1 = right on the first try


@dataclass
class ChallengeHistory:
    runs: int = 0
    runs_before_pass: int | None = None  # runs that failed before the first pass
    hints: set[int] = field(default_factory=set)
    hints_before_pass: int = 0
    named_mistakes: int = 0  # runs where the checker recognised a catalogued mistake


def check_histories(events: Iterable[Event]) -> dict[tuple[str, str], CheckHistory]:
    history: dict[tuple[str, str], CheckHistory] = defaultdict(CheckHistory)
    for e in events:
        if e.kind == EventKind.CHECK_ANSWERED:
            h = history[(e.lesson, e.item)]
            h.attempts += 1
            if e.payload.get("correct") and h.first_correct_attempt is None:
                h.first_correct_attempt = h.attempts
    return history


def challenge_histories(events: Iterable[Event]) -> dict[str, ChallengeHistory]:
    history: dict[str, ChallengeHistory] = defaultdict(ChallengeHistory)
    for e in events:
        if e.kind not in (EventKind.CELL_RUN, EventKind.HINT_TAKEN):
            continue
        h = history[e.item]
        if e.kind == EventKind.HINT_TAKEN:
            h.hints.add(e.payload.get("index", 0))
        elif h.runs_before_pass is None:  # runs after the first pass change nothing
            h.runs += 1
            h.named_mistakes += bool(e.payload.get("mistake"))
            if e.payload.get("status") == "pass":
                h.runs_before_pass = h.runs - 1
                h.hints_before_pass = len(h.hints)
    return history


# -- lessons and nodes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonProgress:
    lesson: str
    status: str  # not_started | in_progress | completed
    checks_done: int
    checks_total: int
    challenges_passed: int
    challenges_total: int
    resume_step: int  # the step to reopen the lesson at
    hints_taken: int
    perfect: bool  # every check right on the first try


def lesson_progress(curriculum: Curriculum, events: list[Event]) -> dict[str, LessonProgress]:
    """A lesson is completed when every check was answered right once and every challenge passed."""
    checks = check_histories(events)
    challenges = challenge_histories(events)
    touched = {e.lesson for e in events if e.kind in LEARNING_KINDS}
    resume: dict[str, int] = {}
    for e in events:
        if e.kind == EventKind.STEP_REACHED:
            resume[e.lesson] = int(e.payload.get("step", 0))
    progress = {}
    for lesson in curriculum.lessons.values():
        answered = [checks.get((lesson.id, c.id)) for c in lesson.checks]
        passed = [challenges.get(c) for c in lesson.challenges]
        checks_done = sum(1 for h in answered if h and h.first_correct_attempt)
        challenges_passed = sum(1 for h in passed if h and h.runs_before_pass is not None)
        complete = checks_done == len(lesson.checks) and challenges_passed == len(passed)
        status = COMPLETED if complete and lesson.id in touched else (
            IN_PROGRESS if lesson.id in touched else NOT_STARTED)
        progress[lesson.id] = LessonProgress(
            lesson=lesson.id,
            status=status,
            checks_done=checks_done,
            checks_total=len(lesson.checks),
            challenges_passed=challenges_passed,
            challenges_total=len(passed),
            resume_step=min(resume.get(lesson.id, 0), len(lesson.steps) - 1),
            hints_taken=sum(len(h.hints) for h in passed if h),
            perfect=bool(answered) and all(h and h.first_correct_attempt == 1 for h in answered),
        )
    return progress


def node_states(curriculum: Curriculum, lessons: dict[str, LessonProgress]) -> dict[str, str]:
    """mastered: all its lessons completed; in_progress: one started; available: every
    prerequisite mastered; locked otherwise. Nodes come in prerequisite order."""
    states: dict[str, str] = {}
    for node in curriculum.graph.nodes:
        mine = [lessons[i] for i in node.lessons if i in lessons]
        if mine and all(p.status == COMPLETED for p in mine):
            states[node.id] = MASTERED
        elif any(p.status != NOT_STARTED for p in mine):
            states[node.id] = IN_PROGRESS
        elif all(states.get(r) == MASTERED for r in node.requires):
            states[node.id] = AVAILABLE
        else:
            states[node.id] = LOCKED
    return states


# -- XP ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class XpAward:
    amount: int
    reason: str
    lesson: str | None
    item: str | None


def xp_awards(curriculum: Curriculum, events: list[Event],
              lessons: dict[str, LessonProgress]) -> list[XpAward]:
    awards = []
    checks = check_histories(events)
    for lesson in curriculum.lessons.values():
        for check in lesson.checks:
            h = checks.get((lesson.id, check.id))
            if h and h.first_correct_attempt:
                awards.append(XpAward(check.xp, "check answered", lesson.id, check.id))
                if h.first_correct_attempt == 1:
                    awards.append(XpAward(round(check.xp * CHECK_FIRST_TRY_BONUS),
                                          "first-try bonus", lesson.id, check.id))
    for challenge_id, h in challenge_histories(events).items():
        challenge = curriculum.challenges.get(challenge_id)
        if challenge is None:
            continue
        if h.runs_before_pass is not None:
            awards.append(XpAward(challenge.xp, "challenge passed", challenge.lesson, challenge_id))
            if h.runs_before_pass == 0:
                awards.append(XpAward(round(challenge.xp * CHALLENGE_FIRST_TRY_BONUS),
                                      "first-try bonus", challenge.lesson, challenge_id))
            if h.hints_before_pass == 0:
                awards.append(XpAward(round(challenge.xp * NO_HINT_BONUS), "no-hint bonus",
                                      challenge.lesson, challenge_id))
        if h.hints:
            awards.append(XpAward(-HINT_COST * len(h.hints), f"{len(h.hints)} hint(s)",
                                  challenge.lesson, challenge_id))
    for lesson_id, p in lessons.items():
        if p.status == COMPLETED:
            awards.append(XpAward(curriculum.lesson(lesson_id).xp, "lesson completed",
                                  lesson_id, None))
    return awards


# -- streaks ----------------------------------------------------------------------------------


def active_days(events: Iterable[Event], tz: tzinfo | None = None) -> set[date]:
    """The days (in `tz`, local time by default) with any learning activity."""
    return {e.at.astimezone(tz).date() for e in events if e.kind in LEARNING_KINDS}


def current_streak(days: set[date], today: date) -> int:
    """Consecutive active days up to today; a streak stays alive until today ends."""
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak


def longest_streak(days: set[date]) -> int:
    return max((current_streak(days, d) for d in days if d + timedelta(days=1) not in days),
               default=0)


# -- achievements -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What achievements are decided on."""

    curriculum: Curriculum
    events: list[Event]
    lessons: dict[str, LessonProgress]
    nodes: dict[str, str]
    challenges: dict[str, ChallengeHistory]
    xp: int
    longest_streak: int

    def passed(self) -> list[str]:
        return [c for c, h in self.challenges.items() if h.runs_before_pass is not None]

    def mastered(self) -> list[str]:
        return [n for n, s in self.nodes.items() if s == MASTERED]


@dataclass(frozen=True)
class Achievement:
    id: str
    name: str
    description: str


ACHIEVEMENTS: tuple[tuple[Achievement, Callable[[Facts], bool]], ...] = (
    (Achievement("first-steps", "First Steps", "Answer a check correctly."),
     lambda f: any(e.kind == EventKind.CHECK_ANSWERED and e.payload.get("correct")
                   for e in f.events)),
    (Achievement("attention-is-all-you-need", "Attention Is All You Need",
                 "Pass an attention challenge."),
     lambda f: any(c.split("/")[0] == "attention" for c in f.passed())),
    (Achievement("first-try", "First Try", "Pass a code challenge on the first run."),
     lambda f: any(h.runs_before_pass == 0 for h in f.challenges.values())),
    (Achievement("unaided", "Unaided", "Complete a lesson with code in it without a hint."),
     lambda f: any(p.status == COMPLETED and p.challenges_total and not p.hints_taken
                   for p in f.lessons.values())),
    (Achievement("perfect-quiz", "Perfect Quiz",
                 "Answer every check of a lesson right on the first try."),
     lambda f: any(p.perfect and p.checks_total >= 3 for p in f.lessons.values())),
    (Achievement("learning-from-mistakes", "Learning From Mistakes",
                 "Pass a challenge after AIDE named one of your mistakes."),
     lambda f: any(h.named_mistakes and h.runs_before_pass is not None
                   for h in f.challenges.values())),
    (Achievement("persistence", "Persistence", "Pass a challenge after five failed runs."),
     lambda f: any((h.runs_before_pass or 0) >= 5 for h in f.challenges.values())),
    (Achievement("engine-builder", "Engine Builder", "Pass five code challenges."),
     lambda f: len(f.passed()) >= 5),
    (Achievement("multi-headed", "Multi-Headed",
                 "Master attention, softmax & √d_k and multi-head attention."),
     lambda f: {"attention", "softmax-scaling", "multi-head"} <= set(f.mastered())),
    (Achievement("halfway-there", "Halfway There", "Master half of the map."),
     lambda f: bool(f.nodes) and 2 * len(f.mastered()) >= len(f.nodes)),
    (Achievement("transformer-complete", "Transformer Complete", "Master every node of the map."),
     lambda f: bool(f.nodes) and len(f.mastered()) == len(f.nodes)),
    (Achievement("it-speaks", "It Speaks", "Your capstone model generated text."),
     lambda f: any(e.kind == EventKind.CAPSTONE_GENERATED and e.payload.get("sample")
                   for e in f.events)),
    (Achievement("habit-forming", "Habit Forming", "Learn three days in a row."),
     lambda f: f.longest_streak >= 3),
    (Achievement("week-of-attention", "A Week of Attention", "Learn seven days in a row."),
     lambda f: f.longest_streak >= 7),
    (Achievement("kilo-xp", "Kilo-XP", "Earn 1,000 XP."),
     lambda f: f.xp >= 1000),
)


# -- what next, and the summary ---------------------------------------------------------------


@dataclass(frozen=True)
class NextStep:
    lesson: str
    node: str
    step: int  # the step index to open the lesson at
    reason: str  # one line for the map, e.g. "Resume Attention, from scratch at step 4"


def next_step(curriculum: Curriculum, lessons: dict[str, LessonProgress],
              nodes: dict[str, str]) -> NextStep | None:
    """Resume the first unfinished lesson; else start the first lesson of an available node."""
    for wanted in (IN_PROGRESS, AVAILABLE):
        for node in curriculum.graph.nodes:
            if nodes.get(node.id) != wanted:
                continue
            for lesson in curriculum.lessons_of(node.id):
                p = lessons[lesson.id]
                if p.status == COMPLETED:
                    continue
                if p.status == IN_PROGRESS:
                    return NextStep(lesson.id, node.id, p.resume_step,
                                    f"Resume {lesson.title} at step {p.resume_step + 1}")
                return NextStep(lesson.id, node.id, 0, f"Start {lesson.title}")
    return None


@dataclass(frozen=True)
class ProgressSummary:
    xp: int
    level: int
    rank: str
    level_xp: int  # XP where this level started
    next_level_xp: int  # XP where the next one starts
    streak: int
    longest_streak: int
    node_states: dict[str, str]
    lessons: dict[str, LessonProgress]
    earned: tuple[Achievement, ...]
    locked: tuple[Achievement, ...]
    next_step: NextStep | None
    awards: tuple[XpAward, ...]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("awards")
        return data


def summarize(curriculum: Curriculum, events: Iterable[Event], today: date,
              tz: tzinfo | None = None) -> ProgressSummary:
    """Everything the map and the progress screen show, from the event log alone."""
    events = sorted(events, key=lambda e: e.at)
    lessons = lesson_progress(curriculum, events)
    nodes = node_states(curriculum, lessons)
    awards = xp_awards(curriculum, events, lessons)
    xp = max(0, sum(a.amount for a in awards))
    level = level_of(xp)
    days = active_days(events, tz)
    facts = Facts(curriculum, events, lessons, nodes, challenge_histories(events), xp,
                  longest_streak(days))
    earned = tuple(a for a, rule in ACHIEVEMENTS if rule(facts))
    return ProgressSummary(
        xp=xp,
        level=level,
        rank=rank_of(level),
        level_xp=level_floor(level),
        next_level_xp=level_floor(level + 1),
        streak=current_streak(days, today),
        longest_streak=facts.longest_streak,
        node_states=nodes,
        lessons=lessons,
        earned=earned,
        locked=tuple(a for a, _ in ACHIEVEMENTS if a not in earned),
        next_step=next_step(curriculum, lessons, nodes),
        awards=tuple(awards),
    )
