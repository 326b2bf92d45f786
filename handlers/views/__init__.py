"""Rendering: texts and keyboards, from data in hand (never from storage)."""
