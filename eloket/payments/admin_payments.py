"""Admin for online payments (read-only, with a Refund screen) and for payment requests made at the counter.

Money fields are never edited here: a payment changes only through flow.py (Mollie, the bank import),
and a refund only through `start.start_refund`, which asks Mollie.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from eloket.audit.admin_mixin import AuditedAdmin

from . import references, sync
from .forms import RefundForm
from .gateway import GatewayError
from .models import Payment, PaymentEvent, PaymentMethod, PaymentRequest, PaymentRequestStatus, PaymentStatus, Refund
from .requests import create_payment_request
from .start import RefundNotPossible, start_refund

REFUND_PERMISSION = "payments.add_refund"


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PaymentEventInline(ReadOnlyInline):
    model = PaymentEvent
    fields = readonly_fields = ["at", "kind", "from_status", "to_status", "source", "actor", "note"]


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = readonly_fields = ["created", "amount", "reason", "status", "mollie_id", "requested_by", "updated"]


def can_refund(user, payment: Payment | None = None) -> bool:
    if not user.has_perm(REFUND_PERMISSION):
        return False
    return payment is None or (payment.method == PaymentMethod.ONLINE and payment.status == PaymentStatus.PAID
                               and bool(payment.mollie_id) and sync.refundable(payment) > 0)


@admin.register(Payment)
class PaymentAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["created", "description", "amount", "status", "method", "amount_refunded", "mollie_id"]
    list_filter = ["status", "method"]
    search_fields = ["description", "mollie_id"]
    date_hierarchy = "created"
    ordering = ["-created"]
    fields = readonly_fields = ["token", "description", "amount", "currency", "method", "status", "owner", "payable_link",
                                "mollie_id", "checkout_url", "created", "updated", "paid_at", "amount_refunded",
                                "effect_applied_at"]
    inlines = [PaymentEventInline, RefundInline]
    actions = ["refund_selected"]
    change_form_template = "payments/admin/payment_change_form.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_refund_permission(self, request):
        return request.user.has_perm(REFUND_PERMISSION)

    @admin.display(description=_("pays for"))
    def payable_link(self, obj):
        payable = obj.payable
        if payable is None:
            return "-"
        opts = payable._meta
        try:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[payable.pk])
        except NoReverseMatch:  # the payable's model has no admin
            return str(payable)
        return format_html('<a href="{}">{}</a>', url, payable)

    def get_urls(self):
        return [
            path("<int:object_id>/refund/", self.admin_site.admin_view(self.refund_view), name="payments_payment_refund"),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        payment = Payment.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if payment is not None and can_refund(request.user, payment):
            extra_context["refund_url"] = reverse("admin:payments_payment_refund", args=[payment.pk])
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Refund the selected payment"), permissions=["refund"])
    def refund_selected(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one payment to refund."), messages.WARNING)
            return None
        return redirect("admin:payments_payment_refund", queryset.get().pk)

    def refund_view(self, request, object_id):
        if not request.user.has_perm(REFUND_PERMISSION):
            raise PermissionDenied
        payment = get_object_or_404(Payment, pk=object_id)
        change_url = reverse("admin:payments_payment_change", args=[payment.pk])
        if not can_refund(request.user, payment):
            self.message_user(request, _("Only a paid online payment with something left to refund can be refunded."),
                              messages.ERROR)
            return redirect(change_url)
        form = RefundForm(request.POST or None, refundable=sync.refundable(payment))
        if request.method == "POST" and form.is_valid():
            try:
                refund = start_refund(payment, amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"],
                                      actor=request.user)
            except RefundNotPossible as refusal:
                form.add_error(None, refusal.message)
            except GatewayError as error:
                if error.maybe_sent:
                    self.message_user(request, _("The payment service did not answer. The refund is kept as queued and "
                                                 "is checked automatically; do not refund again."), messages.WARNING)
                elif error.status:
                    self.message_user(request, _("The payment service refused the refund (%(detail)s). Nothing was "
                                                 "refunded.") % {"detail": error}, messages.ERROR)
                else:
                    self.message_user(request, _("The payment service could not be reached. Nothing was refunded; "
                                                 "please try again later."), messages.ERROR)
                return redirect(change_url)
            else:
                self.message_user(request, _("Refund of € %(amount)s requested: %(status)s.")
                                  % {"amount": f"{refund.amount:.2f}", "status": refund.get_status_display()},
                                  messages.SUCCESS)
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Refund a payment"),
            "opts": self.model._meta,
            "payment": payment,
            "form": form,
            "refundable": form.refundable,
            "change_url": change_url,
        }
        return TemplateResponse(request, "payments/admin/refund.html", context)


class PaymentRequestForm(forms.ModelForm):
    class Meta:
        model = PaymentRequest
        fields = ["citizen", "description", "amount", "due_date", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            # "Paid" follows from a payment, never from a click here.
            self.fields["status"].choices = [(value, label) for value, label in PaymentRequestStatus.choices
                                             if value != PaymentRequestStatus.PAID]


@admin.register(PaymentRequest)
class PaymentRequestAdmin(AuditedAdmin, admin.ModelAdmin):
    form = PaymentRequestForm
    list_display = ["description", "citizen", "amount", "due_date", "status", "created_by", "created"]
    list_filter = ["status", "due_date"]
    search_fields = ["description", "citizen__email", "citizen__last_name"]
    list_select_related = ["citizen", "created_by"]
    autocomplete_fields = ["citizen"]
    date_hierarchy = "created"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["citizen", "description", "amount", "due_date"]
        return ["citizen", "description", "amount", "due_date", "status", "structured_reference", "payments",
                "created_by", "created", "paid_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        readonly = ["structured_reference", "payments", "created_by", "created", "paid_at", "citizen"]
        if obj.status != PaymentRequestStatus.OPEN:
            readonly += ["description", "amount", "due_date", "status"]
        return readonly

    def has_delete_permission(self, request, obj=None):
        return False  # payments point at requests; cancel a request instead

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # A new request goes through the same function as everywhere else: letter and message included.
        created = create_payment_request(citizen=obj.citizen, description=obj.description, amount=obj.amount,
                                         due_date=obj.due_date, created_by=request.user)
        obj.pk = created.pk
        obj.refresh_from_db()

    @admin.display(description=_("structured communication"))
    def structured_reference(self, obj):
        return references.reference_for(obj).display

    @admin.display(description=_("payments"))
    def payments(self, obj):
        from django.contrib.contenttypes.models import ContentType

        rows = Payment.objects.filter(content_type=ContentType.objects.get_for_model(PaymentRequest),
                                      object_id=obj.pk).order_by("-created")
        if not rows:
            return "-"
        return format_html("<ul>{}</ul>", format_html_join(
            "", '<li><a href="{}">{} € {} {}</a></li>',
            ((reverse("admin:payments_payment_change", args=[row.pk]), timezone.localtime(row.created).strftime("%Y-%m-%d %H:%M"),
              row.amount, row.get_status_display()) for row in rows)))
