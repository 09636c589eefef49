"""The investigators' review web app (`redflag review`): queue, case pages with the
workflow's forms, run pages and a dashboard, served from the case store."""

from cases.webapp.app import create_app
from cases.webapp.auth import workspace_secret

__all__ = ["create_app", "workspace_secret"]
