"""/api/models (admin): the detector models the service can count with."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import AdminUser
from api.errors import ERROR_RESPONSES
from api.schemas.models import ModelPublic
from models.registry import ModelRegistry

router = APIRouter(prefix="/api", tags=["administration"], responses=ERROR_RESPONSES)


@router.get("/models", response_model=list[ModelPublic])
def read_models(_admin: AdminUser) -> list[ModelPublic]:
    return [ModelPublic.of(m) for m in ModelRegistry.from_env().list_models()]
