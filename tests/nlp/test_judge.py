"""The pair judge: the packaged model loads offline and reads pairs as a reader would."""

from __future__ import annotations

import pytest

from newsweave.errors import ConfigError, ModelError
from newsweave.nlp.judge import EmbedJudge, PairJudge, load_judge


@pytest.fixture(scope="module")
def judge(engine):
    return engine.judge.load()


def test_default_judge_is_the_packaged_pair_model(judge) -> None:
    assert isinstance(judge, PairJudge)
    assert 0 < judge.thresholds.align < 1 and 0 < judge.thresholds.contradict <= 1


def test_a_paraphrase_is_the_same_fact_and_a_different_fact_is_not(judge) -> None:
    same, other = judge.judge([
        ("The council approved the harbour budget on Tuesday.",
         "On Tuesday councillors passed the budget for the harbour."),
        ("The council approved the harbour budget on Tuesday.",
         "The ferry to Calloway was cancelled because of fog."),
    ])
    assert same.related >= judge.thresholds.align > other.related
    assert same.similarity > other.similarity


def test_a_denial_is_a_contradiction(judge) -> None:
    [v] = judge.judge([("Police confirmed that the mayor was arrested on Friday.",
                        "Police denied reports that the mayor had been arrested.")])
    assert v.contradict > v.same


def test_verdicts_are_cached_and_in_order(judge) -> None:
    pairs = [("A dog bit a postman.", "A postman was bitten by a dog."),
             ("The river flooded.", "Stocks fell sharply.")]
    first = judge.judge(pairs)
    assert judge.judge(list(reversed(pairs))) == list(reversed(first))


def test_unknown_judge_names_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="pair, embed"):
        load_judge("oracle")
    assert isinstance(load_judge("embed"), EmbedJudge)


def test_a_missing_model_folder_is_a_model_error(tmp_path) -> None:
    with pytest.raises(ModelError, match="--judge embed"):
        PairJudge(adapter=tmp_path)


def test_saved_weights_load_back_to_the_same_verdicts(judge, tmp_path) -> None:
    """What train/pair_model.py writes (layers and heads in fp16) loads back as a judge
    that reads pairs as the shipped one does."""
    from newsweave.nlp.pairnet import save_layers

    layers = {k[len("encoder."):]: v for k, v in judge._net.state_dict().items()
              if k.startswith("encoder.") and ".embeddings." not in k}
    save_layers(tmp_path, layers, judge._net, dict(judge._meta()))
    again = PairJudge(adapter=tmp_path).load()
    pairs = [("The council approved the harbour budget on Tuesday.",
              "On Tuesday councillors passed the budget for the harbour.")]
    [a], [b] = judge._run(pairs), again._run(pairs)
    assert abs(a.same - b.same) < 0.02 and abs(a.similarity - b.similarity) < 0.02
