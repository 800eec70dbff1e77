"""The real embedded model: 4-bit NF4 and float32 on CPU, `auto` picking between them, streaming,
cancellation, bounds, and clear load errors."""
import threading

import pytest

from chatbot.config import load_settings

pytestmark = pytest.mark.slow

MESSAGES = [
    {"role": "system", "content": "You are a helpful assistant for US student aid questions."},
    {"role": "user", "content": "Explain what a college scholarship is in three sentences."},
]


def test_embedded_model_loads_in_nf4_with_bitsandbytes_4bit_layers(nf4_model):
    import bitsandbytes as bnb

    layers = [m for m in nf4_model.model.modules() if isinstance(m, bnb.nn.Linear4bit)]
    # 30 decoder layers x 7 projections; only the tied lm_head stays unquantized.
    assert len(layers) == 210
    assert layers[0].weight.quant_type == "nf4"
    assert nf4_model.device == "cpu"
    assert nf4_model.weight_bytes() < 200_000_000
    assert nf4_model.generate(MESSAGES, max_new_tokens=8)


def test_auto_loads_what_this_cpu_measured_fastest_and_records_it(embedded_model):
    import json

    from chatbot.model.embedded import embedded_dir
    from chatbot.model.quant_choice import RECORD, cpu_key, winner

    settings = load_settings()
    assert settings.quantization == "auto"
    record = json.loads((settings.cache_dir / RECORD).read_text())  # written by prepare (or the load)
    entry = record[f"{embedded_dir(settings.cache_dir).name} | {cpu_key()}"]
    assert set(entry["answer_s"]) == {"nf4", "int8-dynamic", "none"} and all(s > 0 for s in entry["answer_s"].values())
    assert entry["choice"] == winner(entry["answer_s"])
    assert embedded_model.settings.quantization == entry["choice"]


def test_generates_text_and_streams_it_incrementally(embedded_model):
    gen = embedded_model.stream(MESSAGES, max_new_tokens=24)
    pieces = list(gen)
    assert len(pieces) >= 5, pieces  # streamed, not one blob at the end
    text = "".join(pieces)
    assert len(text.split()) >= 5
    assert gen.finish_reason in ("length", "end") and 0 < gen.new_tokens <= 24
    assert gen.ttft_s is not None and gen.ttft_s < gen.total_s
    # Greedy decoding: the same prompt gives the same text through the non-streaming helper.
    assert embedded_model.generate(MESSAGES, max_new_tokens=24) == text


def test_stop_event_ends_generation_within_a_step(embedded_model):
    cancel = threading.Event()
    gen = embedded_model.stream(MESSAGES, max_new_tokens=200, cancel=cancel)
    next(gen)
    cancel.set()
    rest = list(gen)
    assert gen.finish_reason == "cancelled"
    assert gen.new_tokens <= 4, (gen.new_tokens, rest)


def test_closing_the_stream_cancels_generation(embedded_model):
    gen = embedded_model.stream(MESSAGES, max_new_tokens=200)
    next(gen)
    gen.close()
    list(gen)
    assert gen.new_tokens < 10  # counted in tokens, not seconds: it stopped within a step or two


def test_wall_clock_timeout_bounds_generation(embedded_model):
    gen = embedded_model.stream(MESSAGES, max_new_tokens=500, timeout_s=0.5)
    list(gen)
    assert gen.finish_reason == "timeout" and gen.new_tokens < 500


def test_stop_strings_end_the_answer(embedded_model):
    text = embedded_model.generate(MESSAGES, max_new_tokens=60, stop=[" "])
    assert " " not in text


def test_too_long_prompt_is_refused_clearly(embedded_model):
    with pytest.raises(ValueError, match="exceeds the model's context"):
        embedded_model.stream([{"role": "user", "content": "aid " * 9000}], max_new_tokens=10)


def test_int8_dynamic_loads_torch_int8_layers_and_generates(embedded_model):
    from chatbot.model.local import load_chat_model

    model = load_chat_model(load_settings(flags={"quantization": "int8-dynamic"}), log=lambda *_: None)
    assert model.settings.quantization == "int8-dynamic"
    kinds = model.quantized_layers()
    assert kinds == {"DynamicQuantizedLinear": 211}, kinds   # every projection and the lm_head
    assert model.generate(MESSAGES, max_new_tokens=8)


def test_int8_dynamic_is_refused_on_a_gpu():
    import torch.nn as nn

    from chatbot.model import ModelError
    from chatbot.model.local import quantize_after_load

    with pytest.raises(ModelError, match="CPU only"):
        quantize_after_load(nn.Linear(2, 2), "int8-dynamic", "cuda")


def test_quantization_none_loads_plain_linear_layers(fp32_model):
    model = fp32_model
    kinds = model.quantized_layers()
    assert kinds == {"Linear": 211}
    assert model.generate(MESSAGES, max_new_tokens=8)


@pytest.mark.parametrize("name, message", [
    ("./no/such/folder", "model folder not found"),
    ("/definitely/missing", "model folder not found"),
    ("not a model name", "model folder not found"),
])
def test_missing_model_paths_are_named(name, message):
    from chatbot.model import ModelError
    from chatbot.model.local import resolve_model

    with pytest.raises(ModelError, match=message):
        resolve_model(load_settings(flags={"model": name}))


def test_folder_without_config_is_not_a_model(tmp_path):
    from chatbot.model import ModelError
    from chatbot.model.local import resolve_model

    with pytest.raises(ModelError, match="no config.json"):
        resolve_model(load_settings(flags={"model": str(tmp_path)}))


def test_embedder_gives_normalized_vectors_that_rank_similar_text_higher():
    from chatbot.model.embedder import load_embedder

    vectors = load_embedder().embed(["maximum Pell Grant amount", "how much pell can i get", "pizza recipe"])
    assert vectors.shape == (3, 384)
    assert abs(float((vectors[0] ** 2).sum()) - 1) < 1e-4
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3


@pytest.mark.gpu
@pytest.mark.skipif("not __import__('torch').cuda.is_available()", reason="needs a CUDA GPU")
def test_llama_architecture_loads_in_nf4_on_cuda(tmp_path):
    """A randomly initialised small Llama saved to disk loads through the same loader in NF4 on CUDA."""
    import bitsandbytes as bnb
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from chatbot.model.embedded import embedded_dir, prepare_embedded

    from chatbot.model.local import load_chat_model

    settings = load_settings(flags={"device": "cuda"})
    tokenizer_dir = prepare_embedded(settings.cache_dir)
    config = LlamaConfig(hidden_size=512, intermediate_size=1024, num_hidden_layers=4,
                         num_attention_heads=8, num_key_value_heads=4, vocab_size=49152)
    LlamaForCausalLM(config).save_pretrained(tmp_path)
    for name in ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja"):
        (tmp_path / name).write_bytes((tokenizer_dir / name).read_bytes())
    model = load_chat_model(load_settings(flags={"model": str(tmp_path), "device": "cuda"}), log=lambda *_: None)
    assert any(isinstance(m, bnb.nn.Linear4bit) for m in model.model.modules())
    assert next(model.model.parameters()).device.type == "cuda"
    gen = model.stream([{"role": "user", "content": "hi"}], max_new_tokens=8)
    list(gen)
    assert gen.new_tokens == 8
    assert embedded_dir(settings.cache_dir) == tokenizer_dir
    torch.cuda.empty_cache()


def test_embedded_model_works_as_a_langchain_chat_model(embedded_model):
    from langchain_core.prompts import ChatPromptTemplate

    from chatbot.model.chat_model import LocalChatModel

    chain = ChatPromptTemplate.from_messages([("human", "{q}")]) | LocalChatModel(engine=embedded_model, max_new_tokens=12)
    pieces = [c.content for c in chain.stream({"q": "What is a grant?"})]
    assert len(pieces) > 1 and "".join(pieces).strip()


def test_the_embedded_model_is_not_asked_to_draft_by_default(embedded_model):
    # Its drafts failed the grounding gate on every real-dev question measured (local.py says so).
    from chatbot.pipeline import Pipeline

    assert embedded_model.draft_by_default is False
    assert Pipeline(embedded_model).drafts is False
