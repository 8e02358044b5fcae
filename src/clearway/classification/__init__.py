"""HS classification suggestions: top-5 subheadings of the loaded nomenclature, with reasons, in four languages."""
