"""The product type outweighs what qualifies it; what follows "for" names the device, not the goods."""

from __future__ import annotations

from clearway.classification.query import prepare


def test_the_head_noun_is_boosted_and_the_device_after_for_is_not_expanded() -> None:
    q = prepare("Hoko Flip Cover for Apple iPad 3")
    assert "cover" in q.boost and "footwear" not in q.words  # a flip cover is not a flip-flop
    assert "ipad" in q.words and "computer" not in " ".join(q.words)


def test_the_audience_after_for_still_counts() -> None:
    q = prepare("Sonata Analog Watch - For Men")
    assert "men" in q.words and "watch" in q.boost


def test_a_spanish_description_names_the_goods_first() -> None:
    q = prepare("Camiseta de algodón para hombre")
    assert "t-shirt" in q.boost and "cotton" in q.words


def test_heels_are_shoes_not_parts_of_shoes() -> None:
    q = prepare("Style Buy Style Women Heels")
    assert "heel" not in q.words and "footwear" in q.words


def test_a_set_is_not_the_goods() -> None:
    q = prepare("Blessed Plain Plant Container Set")
    assert "set" not in q.boost and "pot" in q.boost
