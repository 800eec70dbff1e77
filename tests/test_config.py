from pathlib import Path

import pytest

from chatbot.config import ConfigError, Settings, load_settings


def test_defaults_match_the_documented_contract():
    s = load_settings(env={})
    assert (s.model, s.quantization, s.device, s.host, s.port) == ("embedded", "auto", "auto", "127.0.0.1", 7860)
    assert s.cache_dir.name == "finaid-chatbot"


def test_environment_overrides_defaults_and_flags_override_environment(tmp_path):
    env = {"CHATBOT_PORT": "9000", "CHATBOT_QUANTIZATION": "int8", "CHATBOT_CACHE": str(tmp_path)}
    s = load_settings(env=env)
    assert (s.port, s.quantization, s.cache_dir) == (9000, "int8", tmp_path)
    s = load_settings(flags={"port": 9100, "quantization": None}, env=env)
    assert (s.port, s.quantization) == (9100, "int8")  # None means "flag not given"


def test_config_file_sits_between_defaults_and_environment(tmp_path):
    path = tmp_path / "bot.toml"
    path.write_text('model = "/models/llama"\nport = 8000\ntemperature = 0.3\n')
    s = load_settings(env={"CHATBOT_PORT": "8100"}, config_file=path)
    assert (s.model, s.port, s.temperature) == ("/models/llama", 8100, 0.3)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"flags": {"quantization": "q3"}}, "unknown quantization 'q3'"),
        ({"flags": {"device": "tpu"}}, "unknown device 'tpu'"),
        ({"flags": {"port": 70000}}, "port must be between"),
        ({"flags": {"model": "  "}}, "model must not be empty"),
        ({"env": {"CHATBOT_PORT": "eighty"}}, "cannot read 'eighty' as int"),
        ({"flags": {"temperature": 5.0}}, "temperature must be between"),
    ],
)
def test_bad_values_give_one_clear_error(kwargs, message):
    kwargs.setdefault("env", {})
    with pytest.raises(ConfigError, match=message):
        load_settings(**kwargs)


def test_config_file_problems_are_named(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(env={}, config_file=tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("prot = 1\n")
    with pytest.raises(ConfigError, match="unknown setting\\(s\\) prot"):
        load_settings(env={}, config_file=bad)
    broken = tmp_path / "broken.toml"
    broken.write_text("port = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(env={}, config_file=broken)


def test_settings_validate_when_built_directly():
    with pytest.raises(ConfigError):
        Settings(quantization="fp8")
    assert Settings(cache_dir=Path("/x")).cache_dir == Path("/x")


def test_engine_settings_have_defaults_env_overrides_and_validation():
    s = load_settings(env={})
    assert (s.max_batch_size, s.prefill_chunk) == (16, 512)
    s = load_settings(env={"CHATBOT_MAX_BATCH_SIZE": "48", "CHATBOT_PREFILL_CHUNK": "256"})
    assert (s.max_batch_size, s.prefill_chunk) == (48, 256)
    for name in ("max_batch_size", "prefill_chunk"):
        with pytest.raises(ConfigError, match=f"{name} must be at least 1, got 0"):
            load_settings(flags={name: 0}, env={})
