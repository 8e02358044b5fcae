"""Reference data: the HS nomenclature and other code lists an administration loads."""
