from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from eloket.audit.admin_mixin import AuditedAdmin

from .models import User, Vehicle


class VehicleInline(admin.TabularInline):
    model = Vehicle
    extra = 0


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["national_number_masked", "last_login", "date_joined"]
    inlines = [VehicleInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal details"), {"fields": ["first_name", "last_name", "street", "house_number", "box",
                                            "postal_code", "municipality", "phone", "phone_verified",
                                            "preferred_language", "national_number_masked"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    @admin.display(description=_("national register number"))
    def national_number_masked(self, obj):
        return obj.national_number_masked


@admin.register(Vehicle)
class VehicleAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["plate", "country", "owner", "created"]
    search_fields = ["plate", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
