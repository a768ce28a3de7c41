from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from eloket.accounts import plates

from .models import Permit, PermitEvent, PermitPlate, ResidentCardPrice


class PermitPlateInline(admin.TabularInline):
    model = PermitPlate
    extra = 0


class PermitEventInline(admin.TabularInline):
    """The history, read-only: events are written by the rules, never by hand."""

    model = PermitEvent
    extra = 0
    can_delete = False
    fields = ["at", "actor", "from_status", "to_status", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Permit)
class PermitAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "status", "holder", "zone", "plate_list", "valid_from", "valid_to", "created"]
    list_filter = ["kind", "status", "zone"]
    search_fields = ["holder__email", "holder__first_name", "holder__last_name", "street", "house_number",
                     "postal_code", "municipality", "plates__plate"]
    list_select_related = ["holder", "zone"]
    # The status and the price change only through the rules (rules.py), so the history stays complete.
    readonly_fields = ["kind", "status", "holder", "address_key", "price", "price_explanation", "valid_from", "valid_to",
                       "created", "updated"]
    inlines = [PermitPlateInline, PermitEventInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("plates")

    @admin.display(description=_("number plates"))
    def plate_list(self, obj):
        return ", ".join(p.plate_display for p in obj.plates.all())

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        plate = plates.normalize(search_term)
        if plate:
            queryset = queryset | self.model.objects.filter(plates__plate=plate)
            may_have_duplicates = True
        return queryset, may_have_duplicates


@admin.register(ResidentCardPrice)
class ResidentCardPriceAdmin(admin.ModelAdmin):
    list_display = ["rank", "amount_per_year", "refused", "valid_from", "valid_to"]
    list_filter = ["refused"]
