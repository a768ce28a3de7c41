from django.contrib import admin

from .models import FakeFault, FakePayment, FakeRefund, FakeWebhookCall


class FakeRefundInline(admin.TabularInline):
    model = FakeRefund
    extra = 0
    can_delete = False
    fields = ["id", "created_at", "status", "value", "description"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class FakeWebhookCallInline(admin.TabularInline):
    model = FakeWebhookCall
    extra = 0
    can_delete = False
    fields = ["called_at", "event", "url", "response_status", "error", "duration_ms"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FakePayment)
class FakePaymentAdmin(admin.ModelAdmin):
    """Mollie's dashboard, for the fake: look, do not touch (the checkout page and the API change payments)."""

    list_display = ["id", "created_at", "mode", "status", "value", "description"]
    list_filter = ["status", "mode"]
    search_fields = ["id", "description"]
    inlines = [FakeRefundInline, FakeWebhookCallInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(FakeRefund)
class FakeRefundAdmin(admin.ModelAdmin):
    list_display = ["id", "payment", "created_at", "status", "value"]
    list_filter = ["status"]
    search_fields = ["id", "payment__id"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(FakeFault)
class FakeFaultAdmin(admin.ModelAdmin):
    """Make the fake Mollie fail on purpose (500, 503, a late answer) for its next calls; see faults.py."""

    list_display = ["kind", "method", "path", "remaining", "hold_seconds", "used", "finished", "created_at"]
    list_filter = ["kind"]
    fields = ["kind", "method", "path", "remaining", "hold_seconds", "used", "finished"]
    readonly_fields = ["used", "finished"]
