from typing import Any

from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from accounts.models import User


def _role_permission(*roles: str) -> type[BasePermission]:
    class HasRole(BasePermission):
        message = "Your role cannot do this."

        def has_permission(self, request: Request, view: Any) -> bool:
            user = request.user
            return bool(user and user.is_authenticated and getattr(user, "role", None) in roles)

    HasRole.__name__ = "Is" + "Or".join(role.title().replace("_", "") for role in roles)
    return HasRole


def acting_user(request: Request) -> User:
    """The authenticated user of a request that passed an authentication check."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated
    return user


IsSme = _role_permission(User.Role.SME)
IsSpecialist = _role_permission(User.Role.SPECIALIST)
IsChamberAdmin = _role_permission(User.Role.CHAMBER_ADMIN)
IsSmeOrSpecialist = _role_permission(User.Role.SME, User.Role.SPECIALIST)


class IsChamberAdminOrStaff(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and (user.is_staff or getattr(user, "is_chamber_admin", False)))
