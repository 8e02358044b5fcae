"""The sentences crisis protocols write: the priority lane's reason, waivers, provisional acceptance, export
licences (a release blocker), and the warnings of loading a pack.

The protocol is named by its label (nested: ``crisis protocol «title» (id version)``, the pack's title kept as
written); a measure's title and a relief organisation's name are the pack author's words, kept as written. Why a
measure applies is written into the sentence itself (one phrase per reason: a listed consignee, listed goods,
both), so that a measure title with a comma or a parenthesis never moves where the reason starts.
"""

from __future__ import annotations

from clearway.core.phrases import Phrase, PhraseSet, collect

LABEL = Phrase("crisis.label", "crisis protocol «{title}» ({id} {version})", free=frozenset({"title"}))

# Why a measure applies (``Match.because``): the consignee listed, the goods listed (five at most, then a count).
_CONSIGNEE = "consigned to a listed relief organisation ({name}, {id})"
_GOODS = "listed goods ({items})"
_GOODS_MORE = "listed goods ({items} and {more} more)"
BECAUSE = {
    "consignee": _CONSIGNEE,
    "goods": _GOODS,
    "goods_more": _GOODS_MORE,
    "both": _CONSIGNEE + " and " + _GOODS,
    "both_more": _CONSIGNEE + " and " + _GOODS_MORE,
}
# The items listed are "item 1: 300490 <the pack's words>": kept as written.
_FREE = frozenset({"measure", "name", "items"})
_NESTED = frozenset({"protocol"})


def _free(template: str) -> frozenset[str]:
    return frozenset(f for f in _FREE if "{" + f + "}" in template)


PRIORITY = {
    key: Phrase(
        f"crisis.priority_{key}",
        "priority lane under {protocol}: {measure}, " + because,
        nested=_NESTED,
        free=_free("{measure}" + because),
    )
    for key, because in BECAUSE.items()
}
POST_CLEARANCE = Phrase("crisis.post_clearance", "released on arrival, post-clearance control")
WAIVED = {
    key: Phrase(
        f"crisis.waived_{key}",
        "penalties for late documents waived under {protocol}: {measure} (" + because + ")",
        nested=_NESTED,
        free=_free("{measure}" + because),
    )
    for key, because in BECAUSE.items()
}
PROVISIONAL = Phrase(
    "crisis.provisional",
    "accepted provisionally under {protocol}: {measure}",
    nested=_NESTED,
    free=frozenset({"measure"}),
)
COMPLETE_BY = Phrase("crisis.complete_by", "complete {elements} by {deadline}")
EXPORT_LICENCE = Phrase(
    "crisis.export_licence",
    "export licence {document} required under {protocol} for item(s) {items}",
    nested=_NESTED,
)
EXPORT_LICENCE_FROM = Phrase(
    "crisis.export_licence_from",
    "export licence {document} from {authority} required under {protocol} for item(s) {items}",
    nested=_NESTED,
    free=frozenset({"authority"}),
)
# Warnings of loading a pack (``service.hs_checker``).
NO_NOMENCLATURE = Phrase(
    "crisis.no_nomenclature", "no HS nomenclature is loaded: codes were checked for their format only"
)
PARTIAL_NOMENCLATURE = Phrase(
    "crisis.partial_nomenclature",
    "the nomenclature loaded has {count} subheadings, not a full HS 2022: codes were checked for their format only "
    "(load the full nomenclature, or pass --hs FILE on the command line)",
    numbers=frozenset({"count"}),
)

PHRASES = PhraseSet(collect(globals()) + tuple(PRIORITY.values()) + tuple(WAIVED.values()))
