"""The risk engine's learning side: estimators, history features, training jobs, evaluation, simulation."""
