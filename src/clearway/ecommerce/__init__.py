"""E-commerce oversight: manifests, parcel screening, decisions (issue 7)."""
