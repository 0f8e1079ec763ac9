"""TKPK coordination meetings, their decisions and the follow-up actions (tindak lanjut)."""
