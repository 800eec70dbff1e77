"""`--model` -> backend: the fake by name, everything else the local transformers backend."""
import sys

import pytest

from chatbot.config import Settings
from chatbot.model import ModelError
from chatbot.model.fake import FakeChatModel
from chatbot.model.registry import check_model, load_chat_model


def test_fake_is_the_fake_and_loads_no_torch():
    had_torch = "torch" in sys.modules
    assert isinstance(load_chat_model(Settings(model="fake")), FakeChatModel)
    check_model(Settings(model="fake"))
    assert ("torch" in sys.modules) == had_torch


def test_a_missing_folder_is_refused_before_serving(tmp_path):
    with pytest.raises(ModelError, match="model folder not found"):
        check_model(Settings(model=str(tmp_path / "nothing-here")))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="no config.json"):
        check_model(Settings(model=str(tmp_path / "empty")))


def test_the_embedded_model_is_checked_when_it_loads_not_before():
    check_model(Settings(model="embedded"))  # no conversion, no error: it is prepared on load
