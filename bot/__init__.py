"""Atende: the bot's channels, NLU components, CLI and configuration."""
