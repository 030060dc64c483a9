"""/api/users (admin): who may use the service."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from sqlalchemy.orm import Session

from api.audit_trail import Action, entry
from api.deps import AdminUser, ClientDep, SessionDep, StateDep
from api.errors import ERROR_RESPONSES, ApiError, ErrorCode
from api.schemas.users import UserCreate, UserPublic
from pipelines.store.audit import append_audit, run_audited
from pipelines.store.users import User, UserError, add_user, list_users

router = APIRouter(prefix="/api", tags=["administration"], responses=ERROR_RESPONSES)


@router.get("/users", response_model=list[UserPublic])
def read_users(_admin: AdminUser, session: SessionDep) -> list[UserPublic]:
    return [UserPublic.of(u) for u in list_users(session)]


@router.post("/users", response_model=UserPublic, status_code=201)
def create_user(
    body: UserCreate, admin: AdminUser, state: StateDep, client: ClientDep
) -> UserPublic:
    def work(session: Session) -> User:
        user = add_user(
            session,
            username=body.username,
            role=body.role,
            password=body.password,
            cameras=body.cameras,
            created_by=admin.username,
            created_at=datetime.now(UTC),
        )
        append_audit(
            session,
            entry(
                admin,
                client,
                Action.USER_CREATE,
                "user",
                user.username,
                {"role": user.role.value, "cameras": list(user.cameras)},
            ),
        )
        return user

    try:
        return UserPublic.of(run_audited(state.sessions, work))
    except UserError as exc:
        raise ApiError(409, ErrorCode.CONFLICT, str(exc)) from exc
