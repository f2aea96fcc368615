"""The command palette's search over the curriculum: lessons, their steps, lexicon terms, FAQ."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tutor.content import AideStep, CheckStep, CodeStep, ConceptStep, DemoStep
from tutor.messages import OpenFaq, OpenLesson, OpenLexicon


def step_title(step) -> str:
    """A one-line name for a step, as the palette and the lesson list show it."""
    if isinstance(step, ConceptStep):
        return step.title
    if isinstance(step, CheckStep):
        return step.question.strip().splitlines()[0]
    if isinstance(step, CodeStep):
        return f"code: {step.challenge}"
    if isinstance(step, DemoStep):
        return f"demo: {step.caption or step.name}"
    return step.text.strip().splitlines()[0] if isinstance(step, AideStep) else str(step)


class CurriculumCommands(Provider):
    """Every lesson, step, term and question, searchable by fuzzy match."""

    def _entries(self):
        app = self.app
        curriculum = app.curriculum
        for lesson in curriculum.lessons.values():
            yield (f"Lesson: {lesson.title}", lesson.summary,
                   partial(app.post_message, OpenLesson(lesson.id)))
            for index, step in enumerate(lesson.steps):
                if isinstance(step, AideStep):
                    continue  # dialogue is found through its lesson
                yield (f"{lesson.title} › {step_title(step)}", f"step {index + 1}",
                       partial(app.post_message, OpenLesson(lesson.id, index)))
        for entry in curriculum.lexicon:
            yield (f"Lexicon: {entry.term}", entry.definition.splitlines()[0],
                   partial(app.post_message, OpenLexicon(entry.term)))
        for entry in curriculum.faq:
            yield (f"FAQ: {entry.question}", "", partial(app.post_message, OpenFaq(entry.question)))

    async def discover(self) -> Hits:
        for lesson in self.app.curriculum.lessons.values():
            yield DiscoveryHit(f"Lesson: {lesson.title}",
                               partial(self.app.post_message, OpenLesson(lesson.id)),
                               help=lesson.summary)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, command in self._entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, help=help_text or None)
