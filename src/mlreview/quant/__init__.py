"""Pure maths on plain numbers: capacity, availability, scoring. Knows nothing of manifests."""
