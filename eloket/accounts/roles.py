"""Staff roles as Django groups. Each app grants its permissions here; `sync_roles` applies them.

A role is a group: counter staff, enforcement, the sanctioning official and the city admin.
Apps call `grant()` from their AppConfig.ready(), so this module imports no app.
"""

COUNTER = "counter"
ENFORCEMENT = "enforcement"
SANCTIONING = "sanctioning"
CITY_ADMIN = "city_admin"

# Group names stay in English so they are stable whatever language the admin is shown in.
ROLE_NAMES = {
    COUNTER: "Counter staff",
    ENFORCEMENT: "Enforcement",
    SANCTIONING: "Sanctioning official",
    CITY_ADMIN: "City administrator",
}

_grants: dict[str, set[str]] = {role: set() for role in ROLE_NAMES}


def grant(role: str, permissions: list[str]) -> None:
    """Give a role permissions written as 'app_label.codename'."""
    _grants[role].update(permissions)


def permissions_of(role: str) -> set[str]:
    return set(_grants[role])


def sync_roles() -> dict[str, "Group"]:  # noqa: F821
    """Create the groups and set exactly the granted permissions on each (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    groups = {}
    for role in ROLE_NAMES:
        group, _created = Group.objects.get_or_create(name=ROLE_NAMES[role])
        wanted = _grants[role]
        perms = Permission.objects.none()
        for label in wanted:
            app_label, codename = label.split(".", 1)
            perms = perms | Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        group.permissions.set(perms)
        groups[role] = group
    return groups
