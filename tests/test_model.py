"""Records survive a JSON round trip (the store keeps analyses as JSON)."""

from __future__ import annotations

import json

from newsweave.model import AnalyzedArticle, Article


def test_analyzed_article_round_trips_through_json(engine):
    article = Article(
        text="KESSINGTON – Mayor Ada Brook said on Tuesday that the 12-lane bridge had cost "
        "$40 million. She added that it would reopen in two weeks.",
        published="2025-04-02",
        outlet="Test Post",
    )
    article.body_start = len("KESSINGTON – ")
    analyzed = engine.analyzer.analyze([article])[0]
    assert analyzed.claims and analyzed.quantities and analyzed.entities
    again = AnalyzedArticle.from_dict(json.loads(json.dumps(analyzed.to_dict())))
    assert again == analyzed
