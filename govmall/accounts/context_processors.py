from django.conf import settings


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"idle_seconds": settings.SESSION_IDLE_SECONDS}
    from govmall.accounts.navigation import menu_for

    if user.needs_two_factor and not user.is_verified():
        return {"idle_seconds": settings.SESSION_IDLE_SECONDS}

    return {
        "nav_menu": menu_for(user),
        "unread_count": user.notifications.filter(read_at__isnull=True).count(),
        "idle_seconds": settings.SESSION_IDLE_SECONDS,
    }
