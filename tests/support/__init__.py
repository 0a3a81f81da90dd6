"""Helpers shared by the tests: real servers on loopback, sample news, config writers."""
