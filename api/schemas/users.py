"""Users and sign-in."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from api.schemas.common import Public
from pipelines.store.users import MIN_PASSWORD_LENGTH, Role, User


class UserBase(Public):
    username: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")
    role: Role
    cameras: list[str] = Field(
        default_factory=list, description="cameras the user may see; empty: all"
    )


class UserCreate(UserBase):
    """A new user; no password for a user the reverse proxy authenticates."""

    password: str | None = Field(default=None, min_length=MIN_PASSWORD_LENGTH, max_length=1024)


class UserPublic(UserBase):
    id: int
    active: bool
    created_at: datetime
    created_by: str
    has_password: bool
    signed_out_at: datetime | None

    @classmethod
    def of(cls, user: User) -> UserPublic:
        return cls(**{**user.__dict__, "cameras": list(user.cameras)})


class LoginRequest(Public):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1024)
