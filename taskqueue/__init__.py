"""A Redis-backed queue for django.tasks (see backend.py) and its worker command."""
