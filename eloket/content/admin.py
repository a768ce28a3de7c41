from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import FaqItem, Regulation


class PrivateFileWidget(AdminFileWidget):
    """Shows the stored document without a link to the media URL, which is deliberately not served.

    When the regulation is published, the name links to the portal's own document view instead.
    """

    template_name = "content/admin/private_file_input.html"
    document_url = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["document_url"] = self.document_url
        return context


class RegulationForm(forms.ModelForm):
    class Meta:
        model = Regulation
        fields = ["slug", "valid_from", "published", "order", "document",
                  "title_nl", "summary_nl", "body_nl", "title_en", "summary_en", "body_en"]
        widgets = {"document": PrivateFileWidget(attrs={"accept": "application/pdf,.pdf"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk and instance.published and instance.document:
            self.fields["document"].widget.document_url = reverse(
                "content:regulation_document", kwargs={"slug": instance.slug})


@admin.register(FaqItem)
class FaqItemAdmin(admin.ModelAdmin):
    list_display = ["question_nl", "category", "order", "published", "updated"]
    list_editable = ["order", "published"]
    list_filter = ["category", "published"]
    search_fields = ["question_nl", "question_en", "answer_nl", "answer_en"]
    fieldsets = [
        (None, {"fields": ["category", "order", "published"]}),
        (_("Dutch"), {"fields": ["question_nl", "answer_nl"]}),
        (_("English"), {"fields": ["question_en", "answer_en"],
                        "description": _("Optional. Left empty, the English page shows the Dutch text.")}),
    ]


@admin.register(Regulation)
class RegulationAdmin(admin.ModelAdmin):
    form = RegulationForm
    list_display = ["title_nl", "slug", "valid_from", "published", "order", "has_document"]
    list_editable = ["published", "order"]
    list_filter = ["published"]
    search_fields = ["title_nl", "title_en", "slug"]
    prepopulated_fields = {"slug": ["title_nl"]}
    fieldsets = [
        (None, {"fields": ["slug", "valid_from", "published", "order", "document"]}),
        (_("Dutch"), {"fields": ["title_nl", "summary_nl", "body_nl"]}),
        (_("English"), {"fields": ["title_en", "summary_en", "body_en"],
                        "description": _("Optional. Left empty, the English page shows the Dutch text.")}),
    ]

    @admin.display(description=_("document"), boolean=True)
    def has_document(self, obj):
        return bool(obj.document)
