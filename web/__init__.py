"""The web UI (Gradio) of the Strategie-Assistent; mounted at "/" by ``assistant.server``."""

# First: importing ``assistant`` switches off telemetry and hub access before Gradio loads.
import assistant  # noqa: F401, I001
from web.ui import build_ui

__all__ = ["build_ui"]
