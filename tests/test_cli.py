"""`python -m chatbot ...` as a user runs it."""
import json
import re

import pytest

from tests.conftest import run_cli


def test_ask_json_has_the_documented_fields():
    result = run_cli("-m", "chatbot", "ask", "what is the fafsa?", "--json", "--model", "fake")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) == {"text", "citations", "route", "grounded", "flags"}
    assert answer["text"]


@pytest.mark.slow
def test_ask_streams_an_answer_from_the_embedded_model():
    result = run_cli("-m", "chatbot", "ask", "What is a Pell Grant?")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.split()) >= 3
    # Logs stay off stdout; `auto` loads whichever quantization this CPU measured fastest.
    assert re.search(r"Loaded SmolLM2-135M-Instruct \((?:nf4|int8-dynamic|none), cpu\)", result.stderr), result.stderr[-500:]


def test_hub_id_while_offline_says_what_to_do():
    result = run_cli("-m", "chatbot", "ask", "hi", "--model", "example-org/no-such-model",
                     env={"HF_HUB_OFFLINE": "1"})
    assert result.returncode == 1
    assert "could not download example-org/no-such-model" in result.stderr
    assert "--model DIR" in result.stderr and "Traceback" not in result.stderr


def test_unknown_command_and_bad_quantization_are_refused():
    assert run_cli("-m", "chatbot", "fly").returncode == 2
    result = run_cli("-m", "chatbot", "ask", "hi", "--quantization", "fp8")
    assert result.returncode == 2 and "invalid choice: 'fp8'" in result.stderr


def test_prepare_is_idempotent():
    first = run_cli("-m", "chatbot", "prepare")
    assert first.returncode == 0 and "embedded model ready" in first.stdout
    second = run_cli("-m", "chatbot", "prepare")
    assert second.returncode == 0 and "Preparing" not in second.stdout


def test_ask_with_history_file_answers_the_follow_up(tmp_path):
    history = tmp_path / "history.json"
    history.write_text(json.dumps([
        {"role": "user", "content": "what is the maximum pell grant for 2025-26?"},
        {"role": "assistant", "content": "For 2025-26 the maximum Pell Grant is $7,395."},
    ]))
    result = run_cli("-m", "chatbot", "ask", "and the minimum?", "--history", str(history), "--json", "--model", "fake")
    assert result.returncode == 0, result.stderr
    assert "$740" in json.loads(result.stdout)["text"]


def test_ask_rejects_a_malformed_history_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('[{"role": "robot", "content": 3}]')
    result = run_cli("-m", "chatbot", "ask", "hi", "--history", str(bad), "--model", "fake")
    assert result.returncode == 2 and "expected a list" in result.stderr
