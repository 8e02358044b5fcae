"""Supporting documents of a declaration: attach, extract fields, cross-check against what was declared."""
