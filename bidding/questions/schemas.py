"""Request and response shapes of the questions and objections API (`bidding.questions.api`). The rules
are `bidding.questions.services`'; what each audience sees is `bidding.questions.serializers`'."""

from __future__ import annotations

from pydantic import BaseModel, Field

from bidding.api.schemas import AgencyRef, Strict


class QuestionIn(Strict):
    question: str | None = Field(
        None, description="The question (at most 2000 characters); the asker stays anonymous"
    )


class AnswerIn(Strict):
    answer: str | None = Field(None, description="The applicant's answer, published to everyone")


class ObjectionIn(Strict):
    text: str | None = Field(None, description="The objection to the announcement's conditions")


class ReplyIn(Strict):
    reply: str | None = Field(None, description="The applicant's reply, published to everyone")


class Question(BaseModel):
    id: int
    question: str
    asked_at: str
    answered: bool
    answer: str | None
    answered_at: str | None
    mine: bool | None = Field(
        None, description="Present (true) only for the asker itself; nobody else learns who asked"
    )


class QuestionList(BaseModel):
    task: str
    questions_close_at: str | None = Field(
        description="Questions are accepted strictly before "
        "this moment: 24:00 (Asia/Shanghai) of the working "
        "day before the deadline's day"
    )
    can_ask: bool
    items: list[Question]


class Objection(BaseModel):
    id: int
    text: str
    submitted_at: str
    replied: bool
    reply: str | None
    replied_at: str | None
    objector: AgencyRef | None = Field(
        None, description="The applicant and regulators, from opening on"
    )
    mine: bool | None = Field(None, description="Present (true) only for the objector itself")


class ObjectionList(BaseModel):
    task: str
    objections_close_at: str | None = Field(description="The task's deadline")
    can_object: bool
    items: list[Objection]
