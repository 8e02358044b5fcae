"""The sentences the declarations capability writes into a declaration's history (its notifications).

Each is built from its phrase, so the stored English and the template the catalogues translate never drift.
"""

from __future__ import annotations

from clearway.core.phrases import Phrase, PhraseSet, collect
from clearway.declarations.model import STATUS_LABELS as LABELS

LODGED = Phrase("declarations.lodged", "lodged electronically")
MRN_ISSUED = Phrase("declarations.mrn_issued", "valid; MRN {mrn} issued")
RANDOM_LANE = {
    "red": Phrase("declarations.random_red", "random selection for the red lane"),
    "yellow": Phrase("declarations.random_yellow", "random selection for the yellow lane"),
}
NO_CRITERIA = Phrase("declarations.no_criteria", "no risk criteria matched")
RED_LANE = Phrase("declarations.red_lane", "red lane: physical inspection of the goods")
YELLOW_LANE = Phrase("declarations.yellow_lane", "yellow lane: documentary check")
GREEN_LANE = Phrase("declarations.green_lane", "green lane: released without control")
GREEN_WAITS = Phrase(
    "declarations.green_waits", "green lane; release waits for: {blockers}", nested=frozenset({"blockers"})
)
COMPLETED_RELEASED = Phrase("declarations.completed_released", "completed green-lane declaration released")
AMENDED_RELEASED = Phrase("declarations.amended_released", "amended green-lane declaration released")
NO_DISCREPANCY = Phrase("declarations.no_discrepancy", "control result: no discrepancy")
DISCREPANCY = Phrase("declarations.discrepancy", "control result: discrepancy")
PARTY_ID_CHECK_DIGIT = Phrase(
    "declarations.party_id_check_digit",
    "the {role}'s identifier {id} fails its {scheme} check digit: accepted, to be checked against the register",
    words=frozenset({"role"}),
)
# the parties a warning names ({role} above)
PARTY_ROLES = {
    role: Phrase(f"declarations.party:{role}", role) for role in ("declarant", "importer", "exporter", "representative")
}
# the status labels a notification carries (``status_label``), as the catalogues translate them
STATUS_LABELS = tuple(Phrase(f"declarations.status_{s.value}", label) for s, label in LABELS.items())

PHRASES = PhraseSet(collect(globals()) + tuple(RANDOM_LANE.values()) + tuple(PARTY_ROLES.values()) + STATUS_LABELS)
