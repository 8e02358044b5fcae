"""Risk-training simulator: officers practise lane selection on anonymised past cases with known outcomes."""
