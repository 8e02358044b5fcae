"""Words of the workforce figures (English, marked for translation; the console and exports translate them)."""

from __future__ import annotations

from collections.abc import Callable


def N_(message: str) -> str:
    """Marks a string for extraction without translating it (it is translated where it is shown)."""
    return message


TABLES = {
    "headcount": N_("Staff on the payroll"),
    "grade": N_("Women and men by grade"),
    "function": N_("Women and men by function"),
    "frontline": N_("Frontline and other posts"),
    "leadership": N_("Leadership positions"),
    "office": N_("Women and men by office"),
    "recruitment": N_("Recruitment during the year"),
    "promotion": N_("Promotions during the year"),
    "training": N_("Staff trained during the year"),
    "trend": N_("Share of women on the staff, by year"),
    "trend_leadership": N_("Share of women in leadership, by year"),
}
ROWS = {
    "staff": N_("all staff"),
    "frontline": N_("frontline (border, control, inspection)"),
    "not_frontline": N_("other posts"),
    "leadership": N_("leadership (management) positions"),
    "not_leadership": N_("other positions"),
    "recruited": N_("recruited"),
    "promoted": N_("promoted"),
    "trained": N_("trained (at least one hour)"),
    "total": N_("total"),
}
RATES = {
    "promotion_rate": N_("Promotion rate (% of staff promoted)"),
    "training_participation": N_("Training participation (% of staff trained)"),
    "training_hours_per_person": N_("Training hours per person"),
}
COLUMNS = {"women": N_("women"), "men": N_("men"), "other": N_("other or not stated"), "total": N_("total")}
SUPPRESSED_NOTE = N_(
    "— : not shown, to protect the privacy of a group of fewer than %(k)s people (or because it could be "
    "worked out from the other figures)."
)
COMPETENCIES = {
    "physical_inspection": N_("physical inspection of goods"),
    "documentary_control": N_("documentary control"),
    "risk_management": N_("risk management"),
    "classification": N_("tariff classification (HS)"),
    "valuation": N_("customs valuation"),
    "dangerous_goods": N_("dangerous goods"),
}
WORK_KINDS = {
    "control.red": N_("physical control (red lane)"),
    "control.yellow": N_("documentary control (yellow lane)"),
    "control.green": N_("review (green lane)"),
}
PROVIDERS = {"internal": N_("internal course"), "clikc": N_("WCO CLiKC! e-learning"), "external": N_("external course")}
STATES = {"current": N_("current"), "expired": N_("expired"), "missing": N_("missing")}
RESULTS = {"passed": N_("passed"), "failed": N_("failed"), "attended": N_("attended")}


def word(table: dict[str, str], key: str, translate: Callable[[str], str] = lambda s: s) -> str:
    """Returns the translated word of a key, or the key itself when it has none (grades, offices, functions)."""
    found = table.get(key)
    return translate(found) if found else key
