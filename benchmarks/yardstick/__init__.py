"""Issue 15's yardsticks: seed 004's ingestion contract as bare one-file apps (Ninja, DRF)."""
