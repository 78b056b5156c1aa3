"""The one error hierarchy.

Services raise `AppError` subclasses; one handler in `rayport.api.errors` renders them as
``{"error": {"code", "message", "details"}}``. The ``code`` is stable: clients branch on it.
"""

from __future__ import annotations

from typing import Any, ClassVar


class AppError(Exception):
    code: ClassVar[str] = "internal_error"
    status_code: ClassVar[int] = 500
    default_message: ClassVar[str] = "Internal error"

    def __init__(
        self,
        message: str | None = None,
        *,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.details = details
        self.headers = headers or {}
        super().__init__(self.message)


class ValidationFailed(AppError):
    code = "validation_error"
    status_code = 422
    default_message = "The request is not valid"


class NotAuthenticated(AppError):
    code = "not_authenticated"
    status_code = 401
    default_message = "Authentication required"

    def __init__(self, message: str | None = None, *, details: Any = None) -> None:
        super().__init__(message, details=details, headers={"WWW-Authenticate": "Bearer"})


class PermissionDenied(AppError):
    code = "permission_denied"
    status_code = 403
    default_message = "You are not allowed to do this"


class UserNotVerified(AppError):
    code = "user_not_verified"
    status_code = 403
    default_message = "Your account is not verified yet"


class RegistrationDisabled(AppError):
    code = "registration_disabled"
    status_code = 403
    default_message = "Registration is disabled"


class NotFound(AppError):
    code = "not_found"
    status_code = 404
    default_message = "Not found"


class Conflict(AppError):
    code = "conflict"
    status_code = 409
    default_message = "Conflict with the current state"


class PayloadTooLarge(AppError):
    code = "payload_too_large"
    status_code = 413
    default_message = "The request body is too large"


class RateLimited(AppError):
    code = "rate_limited"
    status_code = 429
    default_message = "Too many requests"

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        super().__init__(
            message,
            details={"retry_after": retry_after},
            headers={"Retry-After": str(retry_after)},
        )


class ServiceUnavailable(AppError):
    """A dependency we cannot work without (the database) is down; try again shortly."""

    code = "service_unavailable"
    status_code = 503
    default_message = "The service is temporarily unavailable, try again shortly"

    def __init__(self, message: str | None = None, *, retry_after: int = 2) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})


class XuiUnavailable(AppError):
    """The 3X-UI panel could not be reached (connection refused, timeout, 5xx)."""

    code = "xui_unavailable"
    status_code = 503
    default_message = "The VPN panel is unreachable, try again later"

    def __init__(self, message: str | None = None, *, details: Any = None) -> None:
        super().__init__(message, details=details, headers={"Retry-After": "5"})


class XuiError(AppError):
    """The 3X-UI panel answered but refused the operation (``success: false``)."""

    code = "xui_error"
    status_code = 502
    default_message = "The VPN panel refused the operation"
