"""A ModelAdmin mixin for models that hold personal data: opening a row's page leaves an audit entry."""

from . import VIEW, record


class AuditedAdmin:
    """Put it first among the bases: `class CaseAdmin(AuditedAdmin, ..., admin.ModelAdmin)`.

    Only a page that was shown counts (GET, answered 200): a missing row, a refusal or a save writes no entry.
    """

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            record(request, (self.model, object_id), VIEW)
        return response
