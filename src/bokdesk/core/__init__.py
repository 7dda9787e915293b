"""The headless core: models, store, services, KPIs. Never imports textual or rich."""
