"""The HTTP API for staff: questions, document management, an OpenAI-compatible endpoint, health.

Routers read everything they need from ``request.app.state`` (see ``assistant.server.create_app``),
so several apps with different settings can live in one process (tests do that).
"""
