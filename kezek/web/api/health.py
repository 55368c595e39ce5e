"""GET /api/v1/health: the load balancer's check that this process answers (cheap: no query of its own)."""
from __future__ import annotations

from flask import Blueprint, jsonify

from kezek.web.api import openapi
from kezek.web.auth import access

bp = Blueprint("health", __name__, url_prefix="/api/v1")


@bp.get("/health")
@access("public")
def health():
    """200 while this process serves requests; a dead or stuck one answers nothing and is taken out."""
    return jsonify({"status": "ok"})


def openapi_paths() -> dict:
    """This module's part of the OpenAPI document."""
    return {"/api/v1/health": {"get": openapi._op("This process answers (the load balancer's health check)",
                                                  "public")}}
