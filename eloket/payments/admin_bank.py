"""Bank statements in the admin: upload a CODA or CAMT.053 file, see what was booked, resolve the rest by hand.

Statements and their transactions are read-only: the import writes them, staff only resolve the
work list (wrong amounts, already paid, unknown references) with a note. The software never
guesses a match.

The lead grants these permissions to roles (apps.py belongs to the app's owner):
BANK_PERMISSIONS to whoever imports statements and works the list, BANK_VIEW_PERMISSIONS to
those who only need to see whether a transfer arrived.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from eloket.audit.admin_mixin import AuditedAdmin

from .bank.common import BankFileError, ogm_digits
from .bank.forms import ResolveForm, StatementUploadForm
from .bank.importing import import_statement, outcome_counts
from .bank.matching import TO_RESOLVE, resolve
from .models import BankStatement, BankTransaction
from .references import display as ogm_display

BANK_PERMISSIONS = [
    "payments.view_bankstatement",
    "payments.add_bankstatement",
    "payments.view_banktransaction",
    "payments.change_banktransaction",  # marking a transaction as resolved
]
BANK_VIEW_PERMISSIONS = ["payments.view_bankstatement", "payments.view_banktransaction"]

Outcome = BankTransaction.Outcome


def _payment_link(payment):
    if payment is None:
        return "—"
    try:
        url = reverse("admin:payments_payment_change", args=[payment.pk])
    except NoReverseMatch:
        return str(payment)
    return format_html('<a href="{}">{}</a>', url, payment)


class _ReadOnlyTransactionFields:
    @admin.display(description=gettext_lazy("structured communication"), ordering="reference")
    def reference_display(self, obj):
        return ogm_display(obj.reference) if obj.reference else "—"

    @admin.display(description=gettext_lazy("payment"))
    def payment_link(self, obj):
        return _payment_link(obj.payment)

    @admin.display(description=gettext_lazy("from"))
    def counterparty(self, obj):
        return " · ".join(part for part in (obj.counterparty_name, obj.counterparty_iban) if part) or "—"


class BankTransactionInline(_ReadOnlyTransactionFields, admin.TabularInline):
    model = BankTransaction
    fields = readonly_fields = ["line", "booking_date", "amount", "reference_display", "counterparty", "free_text",
                                "outcome", "payment_link", "note"]
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("payment")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BankStatement)
class BankStatementAdmin(admin.ModelAdmin):
    list_display = ["identifier", "format", "uploaded", "uploaded_by", "matched", "to_resolve"]
    list_filter = ["format"]
    search_fields = ["identifier"]
    date_hierarchy = "uploaded"
    fields = readonly_fields = ["identifier", "format", "file_name", "uploaded", "uploaded_by", "summary"]
    inlines = [BankTransactionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by").annotate(
            matched_count=Count("transactions", filter=Q(transactions__outcome=Outcome.MATCHED)),
            to_resolve_count=Count("transactions", filter=Q(transactions__outcome__in=TO_RESOLVE)),
        )

    @admin.display(description=gettext_lazy("booked"), ordering="matched_count")
    def matched(self, obj):
        return obj.matched_count

    @admin.display(description=gettext_lazy("to resolve"), ordering="to_resolve_count")
    def to_resolve(self, obj):
        return obj.to_resolve_count

    @admin.display(description=gettext_lazy("file"))
    def file_name(self, obj):
        # The name only: uploaded files are private and not served from the media URL.
        return obj.file.name.rsplit("/", 1)[-1] if obj.file else "—"

    @admin.display(description=gettext_lazy("outcome"))
    def summary(self, obj):
        return _counts_text(obj)

    def has_change_permission(self, request, obj=None):
        return False  # imported statements are a record: viewed, never edited

    def has_delete_permission(self, request, obj=None):
        return False  # deleting would lose which transfers were booked from it

    def add_view(self, request, form_url="", extra_context=None):
        """The upload: parse, store and match the statement, then show it with counts per outcome."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = StatementUploadForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    statement = import_statement(form.cleaned_data["file"], actor=request.user)
                except BankFileError as error:
                    form.add_error("file", str(error))
                else:
                    self.log_addition(request, statement, [{"added": {}}])
                    self.message_user(request, _("Statement %(statement)s imported: %(counts)s.")
                                      % {"statement": statement.identifier, "counts": _counts_text(statement)},
                                      messages.SUCCESS)
                    self._warn_other_account(request, statement)
                    return HttpResponseRedirect(reverse("admin:payments_bankstatement_change", args=[statement.pk]))
        else:
            form = StatementUploadForm()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Upload a bank statement"),
            "opts": self.opts,
            "form": form,
            "has_view_permission": self.has_view_permission(request),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "payments/admin/bank_upload.html", context)

    def _warn_other_account(self, request, statement):
        """A statement of another account than the one on the city's payment instructions is worth a second look."""
        from eloket.city.reference import city_profile

        profile = city_profile()
        account = statement.identifier.split("/", 1)[0]
        if profile is not None and profile.iban and account != profile.iban:
            self.message_user(request, _("This statement is for account %(account)s, not %(city)s, the account on the "
                                         "city's payment instructions.") % {"account": account, "city": profile.iban},
                              messages.WARNING)


def _counts_text(statement) -> str:
    counts = outcome_counts(statement)
    return "; ".join(f"{label}: {counts[value]}" for value, label in Outcome.choices if value != Outcome.RESOLVED
                     or counts[value])


class OutcomeFilter(admin.SimpleListFilter):
    title = gettext_lazy("outcome")
    parameter_name = "outcome"
    TO_RESOLVE = "to_resolve"

    def lookups(self, request, model_admin):
        return [(self.TO_RESOLVE, _("To resolve (all of the work list)")), *Outcome.choices]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.TO_RESOLVE:
            return queryset.filter(outcome__in=TO_RESOLVE)
        if value in Outcome.values:
            return queryset.filter(outcome=value)
        return queryset


@admin.register(BankTransaction)
class BankTransactionAdmin(AuditedAdmin, _ReadOnlyTransactionFields, admin.ModelAdmin):
    list_display = ["booking_date", "amount", "reference_display", "counterparty_name", "free_text", "outcome",
                    "statement", "line", "payment_link"]
    list_filter = [OutcomeFilter, "statement__format", "booking_date"]
    list_select_related = ["statement", "payment"]
    search_fields = ["reference", "free_text", "counterparty_name", "counterparty_iban", "statement__identifier"]
    date_hierarchy = "booking_date"
    fields = readonly_fields = ["statement", "line", "booking_date", "amount", "reference_display", "free_text",
                                "counterparty_name", "counterparty_iban", "outcome", "payment_link", "note"]
    actions = ["mark_resolved"]

    def get_search_results(self, request, queryset, search_term):
        """An OGM typed in any notation (+++123/4567/89002+++) finds its transactions too."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        digits = ogm_digits(search_term)
        if digits:
            results = results | queryset.filter(reference=digits)
        return results, may_have_duplicates

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # written by the import; staff only resolve, through the action

    def has_delete_permission(self, request, obj=None):
        return False

    def has_resolve_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.change_{self.opts.model_name}")

    @admin.action(description=gettext_lazy("Mark as resolved (with a note)"), permissions=["resolve"])
    def mark_resolved(self, request, queryset):
        workable = queryset.filter(outcome__in=TO_RESOLVE)
        if not workable.exists():
            self.message_user(request, _("None of the selected transactions is on the work list; nothing was changed."),
                              messages.WARNING)
            return None
        form = ResolveForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            rows = resolve(workable.values_list("pk", flat=True), note=form.cleaned_data["note"], actor=request.user)
            for row in rows:
                self.log_change(request, row, _("Marked as resolved: %(note)s") % {"note": form.cleaned_data["note"]})
            self.message_user(request, ngettext("%(count)d transaction marked as resolved.",
                                                "%(count)d transactions marked as resolved.", len(rows))
                              % {"count": len(rows)}, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Mark bank transactions as resolved"),
            "opts": self.opts,
            "form": form,
            "transactions": workable.select_related("statement"),
            "skipped": queryset.count() - workable.count(),
            "action_name": "mark_resolved",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "payments/admin/bank_resolve.html", context)
