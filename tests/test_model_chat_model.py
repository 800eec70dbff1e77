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
