"""The web workbench: pages for community managers and departments, and the REST API."""

from veille.web.app import create_app

__all__ = ["create_app"]
