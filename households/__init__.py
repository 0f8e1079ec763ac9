"""The household registry: families (Kartu Keluarga) and people (NIK) of the poor."""
