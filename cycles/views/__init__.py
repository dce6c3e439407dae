"""Thin views: check access (teams.permissions), validate with a form, call a service, redirect."""
