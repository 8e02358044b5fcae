"""Phrases: stored English sentences matched back to their templates and rendered in another language."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pytest

from clearway.core.phrases import Phrase, PhraseBook, Rendering

WATCHLIST = Phrase("risk.watchlist", "party on watchlist '{name}' (severity {severity})")
ASSESSED = Phrase("tariff.assessed", "duties and taxes assessed: {total} {currency}", numbers=frozenset({"total"}))
WAITS = Phrase("decl.waits", "green lane; release waits for: {blockers}", nested=frozenset({"blockers"}))
ASKED = Phrase("sw.asked", "{agency} has requested information: {message}", free=frozenset({"message"}))
ROUTED = Phrase("sw.routed", "routed to {agencies}", words=frozenset({"agencies"}))
RANDOM = Phrase("risk.random", "random selection for a documentary check")

ES = {
    WATCHLIST.template: "parte en la lista de vigilancia '{name}' (gravedad {severity})",
    ASSESSED.template: "derechos e impuestos liquidados: {total} {currency}",
    WAITS.template: "canal verde; el levante espera: {blockers}",
    ASKED.template: "{agency} pidió información: {message}",
    ROUTED.template: "enviada a {agencies}",
    RANDOM.template: "selección aleatoria para control documentario",
    "SENASA": "SENASA (sanidad agraria)",
}


def _es_join(items: Sequence[str]) -> str:
    return ", ".join(items[:-1]) + " y " + items[-1] if len(items) > 1 else "".join(items)


SPANISH = Rendering(
    translate=lambda s: ES.get(s, s), number=lambda d: f"{d:,.2f}".replace(",", " ").replace(".", ","), join=_es_join
)
BOOK = PhraseBook.of([WATCHLIST, ASSESSED, WAITS, ASKED, ROUTED, RANDOM])


def test_the_stored_sentence_is_built_from_the_template() -> None:
    assert WATCHLIST(name="post-audit", severity="high") == "party on watchlist 'post-audit' (severity high)"
    assert ROUTED(agencies=["SENASA", "MTC"]) == "routed to SENASA, MTC"
    with pytest.raises(KeyError):
        WATCHLIST(name="x")


def test_a_stored_sentence_is_matched_back_and_rendered_in_spanish() -> None:
    stored = WATCHLIST(name="post-audit", severity="medium")
    assert BOOK.render(stored, SPANISH) == "parte en la lista de vigilancia 'post-audit' (gravedad medium)"
    assert BOOK.render(stored) == stored  # English: as stored


def test_numbers_follow_the_locale_and_codes_do_not() -> None:
    assert BOOK.render(ASSESSED(total=Decimal("1234.5"), currency="PEN"), SPANISH) == (
        "derechos e impuestos liquidados: 1 234,50 PEN"
    )
    code_only = Phrase("x.code", "declared {code} here")
    assert PhraseBook.of([code_only]).render("declared 850760 here", SPANISH) == "declared 850760 here"


def test_a_nested_phrase_and_a_list_of_reasons_are_rendered_each() -> None:
    inner = "; ".join([WATCHLIST(name="w", severity="high"), RANDOM()])
    got = BOOK.render(WAITS(blockers=inner), SPANISH)
    assert got == (
        "canal verde; el levante espera: parte en la lista de vigilancia 'w' (gravedad high); "
        "selección aleatoria para control documentario"
    )
    assert BOOK.render(inner, SPANISH).endswith("; selección aleatoria para control documentario")


def test_words_are_joined_the_way_the_language_joins_them() -> None:
    assert BOOK.render(ROUTED(agencies=["SENASA", "MTC"]), SPANISH) == "enviada a SENASA (sanidad agraria) y MTC"


def test_free_text_a_person_wrote_stays_as_written() -> None:
    # the officer's note happens to be an English template: it is not translated inside a free placeholder
    stored = ASKED(agency="SENASA", message="random selection for a documentary check")
    assert BOOK.render(stored, SPANISH) == "SENASA pidió información: random selection for a documentary check"
    assert BOOK.render("Revisar la factura, por favor", SPANISH) == "Revisar la factura, por favor"


def test_markup_in_a_value_is_kept_as_text_for_the_page_to_escape() -> None:
    stored = WATCHLIST(name="<script>alert(1)</script>", severity="{severity}")
    got = BOOK.render(stored, SPANISH)
    assert "<script>alert(1)</script>" in got and got.endswith("(gravedad {severity})")


def test_a_translation_that_loses_a_placeholder_is_not_used() -> None:
    broken = Rendering(translate=lambda s: "parte vigilada" if s == WATCHLIST.template else s)
    stored = WATCHLIST(name="w", severity="low")
    assert BOOK.render(stored, broken) == stored


def test_code_and_params_render_without_a_stored_sentence() -> None:
    assert BOOK.render_code("sw.routed", {"agencies": ["SENASA"]}, SPANISH) == "enviada a SENASA (sanidad agraria)"


def test_the_book_refuses_two_phrases_under_one_code_and_bad_placeholders() -> None:
    with pytest.raises(ValueError):
        PhraseBook.of([WATCHLIST, Phrase("risk.watchlist", "another {x}")])
    with pytest.raises(ValueError):
        Phrase("bad", "a {x}", free=frozenset({"y"}))
    assert PhraseBook.of([WATCHLIST, WATCHLIST]).templates() == [WATCHLIST.template]


def test_the_most_specific_template_wins_and_unknown_text_is_not_known() -> None:
    general = Phrase("g", "{who}: {what}")
    specific = Phrase("s", "{who} refused: {what}")
    book = PhraseBook.of([general, specific])
    found = book.match("SENASA refused: no certificate")
    assert found is not None and found[0] is specific
    assert not BOOK.known("something a person wrote")
    assert BOOK.known(f"{RANDOM()}; {WATCHLIST(name='a', severity='b')}")


def test_reasons_stored_together_are_split_before_a_free_placeholder_swallows_them() -> None:
    rule = Phrase("r", "rule '{name}': {description}", free=frozenset({"description"}))
    book = PhraseBook.of([rule, RANDOM])
    es = Rendering(translate=lambda s: {rule.template: "regla '{name}': {description}", **ES}.get(s, s))
    stored = f"{rule(name='a', description='check x')}; {RANDOM()}"
    assert book.render(stored, es) == "regla 'a': check x; selección aleatoria para control documentario"
    # a description that has '; ' in it stays whole, as the analyst wrote it
    assert book.render("rule 'a': check x; then y", es) == "regla 'a': check x; then y"
