"""Named personas, so every permission test reads the same way.

alice and bob are citizens; carla works at the counter; erik in enforcement; sofie is the
sanctioning official; ida administers the city's reference data.
"""

from eloket.accounts import roles

from .factories import StaffFactory, UserFactory


def citizen(**fields):
    return UserFactory(email="alice@example.org", first_name="Alice", last_name="Peeters", **fields)


def second_citizen(**fields):
    return UserFactory(email="bob@example.org", first_name="Bob", last_name="Janssens", **fields)


def staff(role: str, email: str, first_name: str):
    groups = roles.sync_roles()
    user = StaffFactory(email=email, first_name=first_name)
    user.groups.add(groups[role])
    return user


def counter_staff():
    return staff(roles.COUNTER, "carla@stad.example", "Carla")


def enforcement():
    return staff(roles.ENFORCEMENT, "erik@stad.example", "Erik")


def sanctioning_official():
    return staff(roles.SANCTIONING, "sofie@stad.example", "Sofie")


def city_admin():
    return staff(roles.CITY_ADMIN, "ida@stad.example", "Ida")
