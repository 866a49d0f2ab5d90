"""👍 / 👎 under each answer of a saved conversation, with an optional comment typed beforehand.

The chat's n-th answer is the n-th stored turn of the selected conversation (``web.chat`` saves each
answer before it is shown), so the vote goes to that turn's answer id.
"""

from __future__ import annotations

import gradio as gr

from assistant.container import Container
from assistant.identity import Identities
from assistant.services.conversations import ConversationNotFound
from assistant.services.feedback import AnswerNotFound
from web.conversations import user_of
from web.texts import language_of, t


def build_feedback(translations: list) -> gr.Textbox:
    comment = gr.Textbox(label=t("de", "feedback_comment"), max_lines=3, elem_id="sa-feedback-comment")
    translations.append((comment, lambda lang: gr.update(label=t(lang, "feedback_comment"))))
    return comment


def wire_feedback(
    chatbot: gr.Chatbot, comment: gr.Textbox, selected: gr.Radio, container: Container, identities: Identities,
    language: gr.Radio,
) -> None:
    def vote(data: gr.LikeData, conversation_id: str | None, text: str, lang: str, request: gr.Request):
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        if not conversation_id or data.liked not in (True, False) or index is None:
            return gr.update()
        user = user_of(identities, request)
        try:
            messages = container.conversations.get(user, conversation_id)["messages"]
            answer_id = messages[int(index) // 2]["answer_id"]  # user, assistant, user, assistant, …
            container.feedback.give(user, answer_id, "up" if data.liked else "down", text)
        except (ConversationNotFound, AnswerNotFound, IndexError):
            return gr.update()
        gr.Info(t(language_of(lang), "feedback_thanks"))
        return gr.update(value="")

    chatbot.like(vote, [selected, comment, language], [comment], api_visibility="private")
