"""Fake external servers for tests (language-model APIs over real HTTP)."""
