"""The engine as a LangChain chat model: prompt | model, streaming, and stop strings."""
from langchain_core.prompts import ChatPromptTemplate

from chatbot.model.fake import FakeChatModel
from chatbot.model.chat_model import LocalChatModel


def test_prompt_pipe_model_streams_and_invokes():
    engine = FakeChatModel(reply="The FAFSA is free. File it every year.")
    chain = ChatPromptTemplate.from_messages([("system", "Be brief."), ("human", "{question}")]) | LocalChatModel(engine=engine)
    assert chain.invoke({"question": "is the fafsa free?"}).content == "The FAFSA is free. File it every year."
    pieces = [c.content for c in chain.stream({"question": "is the fafsa free?"})]
    assert len(pieces) > 3 and "".join(pieces) == "The FAFSA is free. File it every year."
    assert engine.calls[-1][0] == {"role": "system", "content": "Be brief."}


def test_stop_strings_reach_the_engine():
    model = LocalChatModel(engine=FakeChatModel(reply="One. STOP Two."))
    assert model.invoke("hi", stop=["STOP"]).content.strip() == "One."


class Watched(FakeChatModel):
    """The fake engine, keeping every Generation it handed out (to see it closed)."""

    def __init__(self, reply):
        super().__init__(reply=reply)
        self.generations = []

    def stream(self, messages, **kwargs):
        self.options = kwargs
        generation = super().stream(messages, **kwargs)
        self.generations.append(generation)
        return generation


def test_the_last_chunk_carries_finish_reason_and_token_counts():
    engine = Watched("One two three four five six.")
    chunks = list(LocalChatModel(engine=engine, max_new_tokens=3).stream("hi"))
    assert "".join(c.content for c in chunks) == "One two three"
    last = next(c for c in reversed(chunks) if c.response_metadata)  # LangChain adds an empty end chunk
    assert last.response_metadata["finish_reason"] == engine.generations[0].finish_reason
    assert last.response_metadata["finish_reason"] is not None
    generation = engine.generations[0]
    assert last.usage_metadata["input_tokens"] == generation.prompt_tokens == 1
    assert last.usage_metadata["output_tokens"] == generation.new_tokens
    assert engine.options["max_new_tokens"] == 3


def test_bound_options_reach_the_engine_and_unknown_ones_are_refused():
    import threading

    import pytest

    engine, cancel = Watched("Yes."), threading.Event()
    LocalChatModel(engine=engine).bind(max_new_tokens=7, cancel=cancel, repetition_penalty=1.1).invoke("hi")
    assert engine.options["max_new_tokens"] == 7 and engine.options["cancel"] is cancel
    assert engine.options["repetition_penalty"] == 1.1
    with pytest.raises(TypeError, match="unknown generation option"):
        LocalChatModel(engine=engine).invoke("hi", top_k=5)


def test_stopping_iteration_closes_the_generation():
    engine = Watched("a b c d e f g h")
    stream = (ChatPromptTemplate.from_messages([("human", "{q}")]) | LocalChatModel(engine=engine)).stream({"q": "x"})
    next(stream)
    next(stream)
    stream.close()  # what the pipeline does when a draft fails its check
    generation = engine.generations[0]
    assert generation.cancel.is_set()  # Generation.close() cancels: the engine stops within a step


def test_get_num_tokens_is_the_engines_tokenizer_and_any_langchain_model_is_accepted():
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

    from chatbot.model.chat_model import as_chat_model

    wrapped = as_chat_model(FakeChatModel())
    assert isinstance(wrapped, LocalChatModel) and wrapped.name == "fake"
    assert wrapped.get_num_tokens("three word text") == 3
    foreign = GenericFakeChatModel(messages=iter(["hello"]))
    assert as_chat_model(foreign) is foreign
