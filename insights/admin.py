"""Insights in the admin: the data report and the decision support (both need the report permission), and the
questionnaire's content (questions with their answers, legal consequences), which the city administrator edits."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import indicators
from .decision_views import QuestionnaireViews
from .models import Consequence, Option, Question, Questionnaire, Report
from .report_views import PERMISSION, ReportViews


class PageAdmin(admin.ModelAdmin):
    """An admin entry that is a page, not a table: visible with the report permission, nothing to add or change."""

    def has_module_permission(self, request):
        return request.user.has_perm(PERMISSION)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(PERMISSION)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(ReportViews, PageAdmin):
    pass


@admin.register(Questionnaire)
class QuestionnaireAdmin(QuestionnaireViews, PageAdmin):
    pass


class OptionForm(forms.ModelForm):
    figures = forms.MultipleChoiceField(label=_("figures from the data report"), required=False,
                                        choices=indicators.choices, widget=forms.CheckboxSelectMultiple,
                                        help_text=_("The city's own figures shown beside this answer on the outcome "
                                                    "page."))

    class Meta:
        model = Option
        fields = ["code", "position", "label_nl", "label_en", "explanation_nl", "explanation_en", "figures"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["figures"] = self.instance.figure_keys

    def clean_figures(self) -> str:
        return ",".join(self.cleaned_data["figures"])


class OptionInline(admin.StackedInline):
    model = Option
    form = OptionForm
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["position", "text_nl", "code", "multiple", "is_active"]
    list_display_links = ["text_nl"]
    list_filter = ["is_active"]
    search_fields = ["text_nl", "text_en", "code"]
    filter_horizontal = ["shown_when"]
    inlines = [OptionInline]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "shown_when":
            kwargs["queryset"] = Option.objects.select_related("question")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Consequence)
class ConsequenceAdmin(admin.ModelAdmin):
    list_display = ["position", "title_nl", "kind", "code"]
    list_display_links = ["title_nl"]
    list_filter = ["kind"]
    search_fields = ["title_nl", "title_en", "text_nl", "source", "code"]
    filter_horizontal = ["when_all"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "when_all":
            kwargs["queryset"] = Option.objects.select_related("question")
        return super().formfield_for_manytomany(db_field, request, **kwargs)
