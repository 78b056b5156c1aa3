"""All tables; importing this module registers every model on `Base.metadata`."""

from rayport.models.app_settings import AppSettings
from rayport.models.audit_log import AuditLog
from rayport.models.config import Config
from rayport.models.news import News
from rayport.models.notification import Notification
from rayport.models.profile import Profile
from rayport.models.refresh_token import RefreshToken
from rayport.models.request import Request
from rayport.models.role import Role
from rayport.models.session import Session
from rayport.models.social import Social
from rayport.models.user import User

__all__ = [
    "AppSettings",
    "AuditLog",
    "Config",
    "News",
    "Notification",
    "Profile",
    "RefreshToken",
    "Request",
    "Role",
    "Session",
    "Social",
    "User",
]
