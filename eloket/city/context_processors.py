from .reference import city_profile


def city(request):
    return {"city": city_profile()}
