"""A Redis-backed queue for django.tasks (see redis.py) and its worker command."""
