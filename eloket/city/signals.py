from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CityProfile
from .reference import CITY_CACHE_KEY


@receiver([post_save, post_delete], sender=CityProfile)
def forget_cached_profile(sender, **kwargs):
    cache.delete(CITY_CACHE_KEY)
