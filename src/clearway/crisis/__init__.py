"""Crisis protocols: protocol packs, four-eyes activation, and what protocols in force do to declarations."""
