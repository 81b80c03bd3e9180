"""``flask.blueprints``: Veloce's blueprints are Flask's, so the names are re-exported."""

from __future__ import annotations

from veloce.blueprints import Blueprint, BlueprintSetupState

__all__ = ["Blueprint", "BlueprintSetupState"]
